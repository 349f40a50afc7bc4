/// A point quadtree over 2-D positions with each cell's centre of mass and size, for the Barnes-Hut
/// approximation of t-SNE's repulsive forces (van der Maaten 2014; scikit-learn's `_QuadTree`).
///
/// Cells are squares, split in four until each holds one point (or points closer than 2⁻⁴⁰ of the root's width,
/// kept together in one leaf).
struct QuadTree: Sendable {
    /// One cell: centre of mass, number of points, squared side length, first child (−1 for a leaf), child count.
    struct Cell: Sendable {
        var massX = 0.0, massY = 0.0, size = 0.0, widthSquared = 0.0
        var firstChild: Int32 = -1, childCount: Int32 = 0
    }

    private(set) var cells: [Cell] = []
    /// The leaf holding each point.
    private(set) var leafOf: [Int32]

    /// Builds the tree over `n` points stored as x, y pairs in `positions`.
    init(positions: [Double], count n: Int) {
        leafOf = [Int32](repeating: 0, count: n)
        guard n > 0 else { return }
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, positions[2 * i]); maxX = max(maxX, positions[2 * i])
            minY = min(minY, positions[2 * i + 1]); maxY = max(maxY, positions[2 * i + 1])
        }
        let half = max(max(maxX - minX, maxY - minY) / 2 * (1 + 1e-6), 1e-300)
        var order = Array(0..<n)
        var scratch = [Int](repeating: 0, count: n)
        cells.reserveCapacity(2 * n + 8)
        cells.append(Cell())
        positions.withUnsafeBufferPointer { p in
            build(cell: 0, range: 0..<n, centreX: (minX + maxX) / 2, centreY: (minY + maxY) / 2, half: half,
                  depth: 0, positions: p, order: &order, scratch: &scratch)
        }
    }

    private mutating func build(cell: Int, range: Range<Int>, centreX: Double, centreY: Double, half: Double,
                                depth: Int, positions: UnsafeBufferPointer<Double>, order: inout [Int],
                                scratch: inout [Int]) {
        var sx = 0.0, sy = 0.0
        for t in range { sx += positions[2 * order[t]]; sy += positions[2 * order[t] + 1] }
        let count = Double(range.count)
        cells[cell].massX = sx / count; cells[cell].massY = sy / count; cells[cell].size = count
        cells[cell].widthSquared = 4 * half * half
        if range.count == 1 || depth >= 40 {
            for t in range { leafOf[order[t]] = Int32(cell) }
            return
        }
        // Counting sort of the range into the four quadrants (x ≥ centre: +1, y ≥ centre: +2).
        var sizes = (0, 0, 0, 0)
        for t in range {
            let i = order[t]
            switch (positions[2 * i] >= centreX ? 1 : 0) + (positions[2 * i + 1] >= centreY ? 2 : 0) {
            case 0: sizes.0 += 1
            case 1: sizes.1 += 1
            case 2: sizes.2 += 1
            default: sizes.3 += 1
            }
        }
        let counts = [sizes.0, sizes.1, sizes.2, sizes.3]
        var offsets = [range.lowerBound, 0, 0, 0]
        for q in 1..<4 { offsets[q] = offsets[q - 1] + counts[q - 1] }
        var next = offsets
        for t in range {
            let i = order[t]
            let q = (positions[2 * i] >= centreX ? 1 : 0) + (positions[2 * i + 1] >= centreY ? 2 : 0)
            scratch[next[q]] = i
            next[q] += 1
        }
        for t in range { order[t] = scratch[t] }
        let first = cells.count
        var children = 0
        for q in 0..<4 where counts[q] > 0 { children += 1 }
        cells[cell].firstChild = Int32(first)
        cells[cell].childCount = Int32(children)
        for _ in 0..<children { cells.append(Cell()) }
        let quarter = half / 2
        var c = 0
        for q in 0..<4 where counts[q] > 0 {
            let cx = centreX + (q & 1 == 1 ? quarter : -quarter)
            let cy = centreY + (q & 2 == 2 ? quarter : -quarter)
            build(cell: first + c, range: offsets[q]..<(offsets[q] + counts[q]), centreX: cx, centreY: cy,
                  half: quarter, depth: depth + 1, positions: positions, order: &order, scratch: &scratch)
            c += 1
        }
    }

    /// The repulsive sums for point `i` at (`px`, `py`): `Σ q²·(p − y)` and `Σ q` over all other points, with
    /// `q = 1 / (1 + ‖p − y‖²)`, where a cell whose squared width is below `thetaSquared` times its squared
    /// distance stands for all its points at its centre of mass.
    @inline(__always)
    func repulsion(point i: Int, x px: Double, y py: Double, thetaSquared: Double,
                   stack: UnsafeMutablePointer<Int32>) -> (fx: Double, fy: Double, sumQ: Double) {
        var fx = 0.0, fy = 0.0, sumQ = 0.0
        let own = leafOf[i]
        cells.withUnsafeBufferPointer { cs in
            var top = 1
            stack[0] = 0
            while top > 0 {
                top -= 1
                let index = stack[top]
                let cell = cs[Int(index)]
                let dx = px - cell.massX, dy = py - cell.massY
                let d2 = dx * dx + dy * dy
                if cell.firstChild < 0 || cell.widthSquared < thetaSquared * d2 {
                    var count = cell.size
                    if index == own { count -= 1; if count == 0 { continue } }
                    let q = 1 / (1 + d2)
                    sumQ += count * q
                    let m = count * q * q
                    fx += m * dx; fy += m * dy
                } else {
                    for c in 0..<cell.childCount { stack[top] = cell.firstChild + c; top += 1 }
                }
            }
        }
        return (fx, fy, sumQ)
    }

    /// Stack entries a traversal may need: three per level below the root plus four.
    static let stackCapacity = 3 * 41 + 8
}
