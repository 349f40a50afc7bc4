import SiameseCore
import SiameseNN
import SiameseOptimizers

/// The shared shape of a training step: training mode, the scheduled learning rate, cleared gradients, the
/// loss from `forward`, then backward and update, unless the loss is not finite.
///
/// - Throws: ``TrainingError/nonFiniteLoss(step:)`` if the loss is NaN or infinite (the update is skipped).
public func optimizationStep(_ model: Module, _ optimizer: any Optimizer, _ schedule: (any LearningRateSchedule)?,
                      forward: () -> Tensor) throws -> Float {
    model.train()
    schedule?.apply(to: optimizer)
    optimizer.zeroGrad()
    let loss = forward()
    guard loss.item.isFinite else { throw TrainingError.nonFiniteLoss(step: optimizer.stepCount) }
    loss.backward()
    optimizer.step()
    return loss.item
}
