import Foundation

/// Images in one sub-folder per class (`root/<class>/<file>`), PNG, JPEG or PGM/PPM, decoded on access.
///
/// Classes are the sub-folders in sorted order; files are sorted within each. Hidden files and files with
/// other extensions are ignored. A class folder without any image is an error
/// (``DataError/emptyClass(path:)``), not a silently missing class.
public struct ImageFolderDataset: LabelledDataset, Sendable {
    public static let extensions: Set<String> = ["png", "jpg", "jpeg", "pgm", "ppm"]

    public let root: URL
    public let mode: ColorMode
    public let classNames: [String]
    /// Every image file with its class id.
    public let files: [(url: URL, label: Int)]

    public init(root: URL, mode: ColorMode = .grey) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.unreadable(path: root.path, reason: "not a folder")
        }
        let classes = try fm.contentsOfDirectory(atPath: root.path).filter { name in
            var dir: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &dir) && dir.boolValue
        }.sorted()
        guard !classes.isEmpty else { throw DataError.empty(path: root.path) }
        var files: [(URL, Int)] = []
        for (label, name) in classes.enumerated() {
            let folder = root.appendingPathComponent(name)
            let images = try fm.contentsOfDirectory(atPath: folder.path)
                .filter { !$0.hasPrefix(".") && Self.extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted()
            guard !images.isEmpty else { throw DataError.emptyClass(path: folder.path) }
            files += images.map { (folder.appendingPathComponent($0), label) }
        }
        self.root = root
        self.mode = mode
        self.classNames = classes
        self.files = files
    }

    public var count: Int { files.count }
    public func label(at index: Int) -> Int { files[index].label }
    public func item(at index: Int) throws -> Image { try ImageDecoder.decode(contentsOf: files[index].url, mode: mode) }
}
