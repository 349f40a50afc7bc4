import SiameseCore

/// SphereFace (A-Softmax, Liu et al. 2017): ``LargeMarginSoftmaxLoss`` whose logits are multiplied by `‖x‖ · scale`
/// only, as if the class weights were unit vectors.
///
/// Per embedding: `−log softmax(‖x‖ · scale · [ψ(θ_y) for the target, cos θ_c otherwise])[y]`, with
/// `ψ(θ) = (−1)ᵏ cos(mθ) − 2k`. Defaults as PML 2.9 `SphereFaceLoss`: margin 4, scale 1, ``CosineSimilarity``,
/// ``MeanReducer``; `W` starts standard normal.
public final class SphereFaceLoss: LargeMarginSoftmaxLoss {
    override var usesWeightNorms: Bool { false }
}
