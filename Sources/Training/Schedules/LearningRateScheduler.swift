import Loaders

/// Sets an optimizer's learning rate from a schedule as steps go by, like a PyTorch scheduler's
/// `step()`.
///
/// ```swift
/// let optimizer = SGD(model.parameters, learningRate: 0.1, momentum: 0.9)
/// let scheduler = LearningRateScheduler(StepLR(stepSize: 1, gamma: 0.7), optimizer: optimizer, interval: .epoch)
/// let trainer = Trainer(model: model, optimizer: optimizer, scheduler: scheduler)   // steps it for you
/// ```
public final class LearningRateScheduler {
    /// When a `Trainer` steps the scheduler.
    public enum Interval: Sendable {
        case epoch, batch
    }

    public let schedule: any LearningRateSchedule
    public let optimizer: any Optimizer
    public let interval: Interval
    /// The optimizer's rate when the scheduler was made, which the schedule scales.
    public let initialLearningRate: Float
    /// Steps taken so far.
    public private(set) var steps = 0

    /// Sets the optimizer's rate to the schedule's rate at step 0.
    public init(_ schedule: any LearningRateSchedule, optimizer: any Optimizer, interval: Interval) {
        self.schedule = schedule
        self.optimizer = optimizer
        self.interval = interval
        initialLearningRate = optimizer.learningRate
        apply()
    }

    /// Advances one step and sets the optimizer's rate for the next.
    public func step() {
        steps += 1
        apply()
    }

    private func apply() {
        optimizer.learningRate = Float(schedule.learningRate(at: steps, initial: Double(initialLearningRate)))
    }
}
