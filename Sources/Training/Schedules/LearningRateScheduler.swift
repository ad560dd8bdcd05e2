import Loaders

/// Sets an optimizer's learning rate (and momentum, for `OneCycleLR`) from a schedule as steps go
/// by, like a PyTorch scheduler's `step()`.
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

    /// Sets the optimizer's rate (and momentum, for schedules that vary it) to the schedule's at step 0.
    /// - Precondition: a schedule that varies the momentum drives a `MomentumOptimizer`.
    public init(_ schedule: any LearningRateSchedule, optimizer: any Optimizer, interval: Interval) {
        require(schedule.momentum(at: 0) == nil || optimizer is any MomentumOptimizer,
                "\(type(of: schedule)) varies the momentum, which \(type(of: optimizer)) does not have; turn cycleMomentum off")
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

    /// Goes to step `steps`, as a checkpoint saved it, and sets the optimizer's rate (and
    /// momentum) for it.
    /// - Precondition: `steps >= 0`.
    public func restore(steps: Int) {
        require(steps >= 0, "a scheduler's step count cannot be negative, got \(steps)")
        self.steps = steps
        apply()
    }

    private func apply() {
        optimizer.learningRate = Float(schedule.learningRate(at: steps, initial: Double(initialLearningRate)))
        if let momentum = schedule.momentum(at: steps), let optimizer = optimizer as? any MomentumOptimizer {
            optimizer.momentumFactor = Float(momentum)
        }
    }
}
