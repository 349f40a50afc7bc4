import Testing
@testable import SiameseCore
@testable import SiameseNN
import SiameseTestSupport

@Suite struct RecurrentTests {
    @Test func lstmStepMatchesGateFormulas() {
        let lstm = LSTM(inputSize: 3, hiddenSize: 2)
        let x = Support.random([1, 1, 3], seed: 1)
        let (out, h, c) = lstm(x)
        let p = Dictionary(uniqueKeysWithValues: lstm.namedParameters().map { ($0.name, $0.parameter.value) })
        let xv = x.reshaped([1, 3])
        let gates = matmul(xv, p["weight_ih_l0"]!.transposed()) + p["bias_ih_l0"]! + p["bias_hh_l0"]!  // h0 = 0
        let g = gates.scalars
        func sig(_ v: Float) -> Float { 1 / (1 + (-v).exp()) }
        let i = [sig(g[0]), sig(g[1])], gg = [g[4].tanhValue, g[5].tanhValue], o = [sig(g[6]), sig(g[7])]
        let cExpected = [i[0] * gg[0], i[1] * gg[1]]  // f·c0 = 0
        let hExpected = [o[0] * cExpected[0].tanhValue, o[1] * cExpected[1].tanhValue]
        #expect(Support.close(c.scalars, cExpected))
        #expect(Support.close(h.scalars, hExpected))
        #expect(Support.close(out.scalars, hExpected))
        #expect(lstm.namedParameters().map(\.name) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
    }

    @Test func paddedStepsNeitherUpdateStateNorEmitOutput() {
        let lstm = LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2)
        let x = Support.random([2, 4, 2], seed: 2)
        let (out, h, _) = lstm(x, lengths: [4, 2])
        let padded = out.narrowed(axis: 0, start: 1, length: 1).narrowed(axis: 1, start: 2, length: 2)
        #expect(padded.scalars.allSatisfy { $0 == 0 })
        // The short sequence alone, truncated to its length, gives the same final state.
        let alone = x.narrowed(axis: 0, start: 1, length: 1).narrowed(axis: 1, start: 0, length: 2)
        let (_, hAlone, _) = lstm(alone)
        let hShort = h.narrowed(axis: 1, start: 1, length: 1)
        #expect(Support.close(hShort.scalars, hAlone.scalars, tolerance: 1e-6))
    }

    @Test func reverseDirectionReadsEachSequenceBackwardsFromItsEnd() {
        let bi = GRU(inputSize: 2, hiddenSize: 2, bidirectional: true)
        let uni = GRU(inputSize: 2, hiddenSize: 2)
        let params = Dictionary(uniqueKeysWithValues: bi.namedParameters().map { ($0.name, $0.parameter) })
        for (name, p) in uni.namedParameters() { p.update(params[name + "_reverse"]!.value) }
        let x = Support.random([1, 4, 2], seed: 3)
        let (out, _) = bi(x, lengths: [3])
        // Reverse the first 3 steps by hand and run the one-directional copy.
        let steps = (0..<3).reversed().map { x.narrowed(axis: 1, start: $0, length: 1) }
        let (rev, _) = uni(Tensor.concatenate(steps, axis: 1))
        for t in 0..<3 {
            let fromBi = out.narrowed(axis: 1, start: t, length: 1).narrowed(axis: 2, start: 2, length: 2).scalars
            let fromUni = rev.narrowed(axis: 1, start: 2 - t, length: 1).scalars
            #expect(Support.close(fromBi, fromUni, tolerance: 1e-6))
        }
    }

    @Test func gruStepMatchesGateFormulas() {
        let gru = GRU(inputSize: 2, hiddenSize: 1)
        let x = Support.random([1, 1, 2], seed: 4), h0 = Tensor([0.5], shape: [1, 1, 1])
        let (_, h) = gru(x, initialState: h0)
        let p = Dictionary(uniqueKeysWithValues: gru.namedParameters().map { ($0.name, $0.parameter.value.scalars) })
        let xs = x.scalars
        let wi = p["weight_ih_l0"]!, wh = p["weight_hh_l0"]!, bi = p["bias_ih_l0"]!, bh = p["bias_hh_l0"]!
        func xg(_ k: Int) -> Float { wi[2 * k] * xs[0] + wi[2 * k + 1] * xs[1] + bi[k] }
        func hg(_ k: Int) -> Float { wh[k] * 0.5 + bh[k] }
        func sig(_ v: Float) -> Float { 1 / (1 + (-v).exp()) }
        let r = sig(xg(0) + hg(0)), z = sig(xg(1) + hg(1)), n = (xg(2) + r * hg(2)).tanhValue
        #expect(Support.close(h.scalars, [(1 - z) * n + z * 0.5]))
    }

    @Test func gradientsThroughTime() {
        let lstm = LSTM(inputSize: 2, hiddenSize: 2, numLayers: 2, bidirectional: true)
        #expect(GradientCheck.worstError(Support.random([2, 3, 2], seed: 5), parameters: lstm.parameters(), atol: 3e-3, rtol: 3e-2) { lstm($0, lengths: [3, 2]).output } <= 1)
        let gru = GRU(inputSize: 2, hiddenSize: 3)
        #expect(GradientCheck.worstError(Support.random([2, 3, 2], seed: 6), parameters: gru.parameters(), atol: 3e-3, rtol: 3e-2) { gru($0, lengths: [2, 3]).h } <= 1)
    }
}

extension Float {
    var tanhValue: Float { let e = (2 * self).exp(); return (e - 1) / (e + 1) }
    func exp() -> Float { Tensor([self]).exp().item }
}
