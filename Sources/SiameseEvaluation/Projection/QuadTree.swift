/// A point quadtree over 2-D positions with each cell's centre of mass and size, for the Barnes-Hut
/// approximation of t-SNE's repulsive forces (van der Maaten 2014; scikit-learn's `_QuadTree`).
///
/// Cells are squares, split in four until each holds one point (or points closer than 2⁻⁴⁰ of the root's width,
/// kept together in one leaf).
struct QuadTree: Sendable {
    /// Per cell: centre of mass, number of points, squared side length, first child (−1 for a leaf), child count.
    private(set) var massX: [Double] = []
    private(set) var massY: [Double] = []
    private(set) var size: [Double] = []
    private(set) var widthSquared: [Double] = []
    private(set) var firstChild: [Int32] = []
    private(set) var childCount: [UInt8] = []
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
        let capacity = 2 * n + 8
        massX.reserveCapacity(capacity); massY.reserveCapacity(capacity); size.reserveCapacity(capacity)
        widthSquared.reserveCapacity(capacity); firstChild.reserveCapacity(capacity); childCount.reserveCapacity(capacity)
        appendCell()
        build(cell: 0, range: 0..<n, centreX: (minX + maxX) / 2, centreY: (minY + maxY) / 2, half: half,
              depth: 0, positions: positions, order: &order, scratch: &scratch)
    }

    private mutating func appendCell() {
        massX.append(0); massY.append(0); size.append(0); widthSquared.append(0); firstChild.append(-1); childCount.append(0)
    }

    private mutating func build(cell: Int, range: Range<Int>, centreX: Double, centreY: Double, half: Double,
                                depth: Int, positions: [Double], order: inout [Int], scratch: inout [Int]) {
        var sx = 0.0, sy = 0.0
        for t in range { sx += positions[2 * order[t]]; sy += positions[2 * order[t] + 1] }
        let count = Double(range.count)
        massX[cell] = sx / count; massY[cell] = sy / count; size[cell] = count
        widthSquared[cell] = 4 * half * half
        if range.count == 1 || depth >= 40 {
            for t in range { leafOf[order[t]] = Int32(cell) }
            return
        }
        // Counting sort of the range into the four quadrants (x ≥ centre: +1, y ≥ centre: +2).
        var counts = (0, 0, 0, 0)
        func quadrant(_ i: Int) -> Int {
            (positions[2 * i] >= centreX ? 1 : 0) + (positions[2 * i + 1] >= centreY ? 2 : 0)
        }
        for t in range {
            switch quadrant(order[t]) {
            case 0: counts.0 += 1
            case 1: counts.1 += 1
            case 2: counts.2 += 1
            default: counts.3 += 1
            }
        }
        let sizes = [counts.0, counts.1, counts.2, counts.3]
        var offsets = [range.lowerBound, 0, 0, 0]
        for q in 1..<4 { offsets[q] = offsets[q - 1] + sizes[q - 1] }
        var next = offsets
        for t in range {
            let i = order[t], q = quadrant(i)
            scratch[next[q]] = i
            next[q] += 1
        }
        for t in range { order[t] = scratch[t] }
        let nonEmpty = (0..<4).filter { sizes[$0] > 0 }
        let first = massX.count
        firstChild[cell] = Int32(first)
        childCount[cell] = UInt8(nonEmpty.count)
        for _ in nonEmpty { appendCell() }
        let quarter = half / 2
        for (c, q) in nonEmpty.enumerated() {
            let cx = centreX + (q & 1 == 1 ? quarter : -quarter)
            let cy = centreY + (q & 2 == 2 ? quarter : -quarter)
            build(cell: first + c, range: offsets[q]..<(offsets[q] + sizes[q]), centreX: cx, centreY: cy,
                  half: quarter, depth: depth + 1, positions: positions, order: &order, scratch: &scratch)
        }
    }

    /// The repulsive sums for point `i` at (`px`, `py`): `Σ q·(p − y)·q` and `Σ q` over all other points, with
    /// `q = 1 / (1 + ‖p − y‖²)`, where a cell whose squared width is below `thetaSquared` times its squared
    /// distance stands for all its points at its centre of mass.
    @inline(__always)
    func repulsion(point i: Int, x px: Double, y py: Double, thetaSquared: Double,
                   stack: inout [Int32]) -> (fx: Double, fy: Double, sumQ: Double) {
        var fx = 0.0, fy = 0.0, sumQ = 0.0
        let own = leafOf[i]
        massX.withUnsafeBufferPointer { mx in
        massY.withUnsafeBufferPointer { my in
        size.withUnsafeBufferPointer { sz in
        widthSquared.withUnsafeBufferPointer { ws in
        firstChild.withUnsafeBufferPointer { fc in
        childCount.withUnsafeBufferPointer { cc in
            stack.removeAll(keepingCapacity: true)
            stack.append(0)
            while let top = stack.popLast() {
                let cell = Int(top)
                let dx = px - mx[cell], dy = py - my[cell]
                let d2 = dx * dx + dy * dy
                let leaf = fc[cell] < 0
                if leaf || ws[cell] < thetaSquared * d2 {
                    var count = sz[cell]
                    if top == own { count -= 1; if count == 0 { continue } }
                    let q = 1 / (1 + d2)
                    sumQ += count * q
                    let m = count * q * q
                    fx += m * dx; fy += m * dy
                } else {
                    let f = Int32(fc[cell])
                    for c in 0..<Int32(cc[cell]) { stack.append(f + c) }
                }
            }
        }}}}}}
        return (fx, fy, sumQ)
    }
}
