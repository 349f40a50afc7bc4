extension Image {
    /// The image turned counter-clockwise by `quarterTurns` × 90° (any integer; negative turns clockwise).
    ///
    /// Exact (a permutation of pixels). Few-shot work on Omniglot uses the three turned copies of each
    /// training character as new classes, quadrupling the number of classes.
    public func rotated(quarterTurns: Int) -> Image {
        let turns = ((quarterTurns % 4) + 4) % 4
        if turns == 0 { return self }
        let (h, w) = (height, width)
        let (outH, outW) = turns == 2 ? (h, w) : (w, h)
        var out = [Float](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<channels {
                    let s = c &* h &* w
                    for y in 0..<outH {
                        for x in 0..<outW {
                            // Source pixel that lands at (y, x) after the counter-clockwise turn.
                            let (sy, sx): (Int, Int)
                            switch turns {
                            case 1: (sy, sx) = (x, w &- 1 &- y)
                            case 2: (sy, sx) = (h &- 1 &- y, w &- 1 &- x)
                            default: (sy, sx) = (h &- 1 &- x, y)
                            }
                            dst[s &+ y &* outW &+ x] = src[s &+ sy &* w &+ sx]
                        }
                    }
                }
            }
        }
        return Image(width: outW, height: outH, channels: channels, pixels: out)
    }
}
