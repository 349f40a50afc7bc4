/// Random access to labelled items: the shape every SiameseKit data set has.
///
/// Items are produced on demand (`item(at:)` may decode a file), labels are cheap. Class ids are
/// `0..<classNames.count`.
public protocol LabelledDataset {
    associatedtype Item
    /// Number of items.
    var count: Int { get }
    /// Human-readable class names, indexed by class id.
    var classNames: [String] { get }
    /// The class id of item `index`.
    func label(at index: Int) -> Int
    /// Item `index`, decoded.
    func item(at index: Int) throws -> Item
}

extension LabelledDataset {
    /// Every label, in item order.
    public var labels: [Int] { (0..<count).map(label(at:)) }

    /// Item indices of each class.
    public var indicesByClass: [Int: [Int]] {
        var out: [Int: [Int]] = [:]
        for i in 0..<count { out[label(at: i), default: []].append(i) }
        return out
    }

    /// Decodes `indices`, skipping items that fail to decode; returns the items, their indices and the failures.
    public func items(_ indices: [Int]) -> (items: [Item], indices: [Int], skipped: [(index: Int, error: Error)]) {
        var items: [Item] = [], kept: [Int] = [], skipped: [(Int, Error)] = []
        for i in indices {
            do { items.append(try item(at: i)); kept.append(i) } catch { skipped.append((i, error)) }
        }
        return (items, kept, skipped)
    }
}
