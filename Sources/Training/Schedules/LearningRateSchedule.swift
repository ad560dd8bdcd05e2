import Foundation
import Loaders

/// A learning rate as a function of the step count, like PyTorch's `torch.optim.lr_scheduler`s.
///
/// A step is whatever the schedule is stepped by: an epoch for `StepLR` and `CosineAnnealingLR`
/// as usually used, a batch for `OneCycleLR`. A `LearningRateScheduler` applies it to an optimizer.
public protocol LearningRateSchedule: Sendable {
    /// The rate after `step` steps (0 = before the first), for an optimizer created with `initial`.
    func learningRate(at step: Int, initial: Double) -> Double

    /// The momentum after `step` steps, for schedules that vary it too (`nil`: leave it alone).
    func momentum(at step: Int) -> Double?
}

extension LearningRateSchedule {
    public func momentum(at step: Int) -> Double? { nil }
}

/// Multiplies the rate by `gamma` every `stepSize` steps, like PyTorch's `StepLR`:
/// `initial · gamma^⌊step / stepSize⌋`.
public struct StepLR: LearningRateSchedule {
    public let stepSize: Int
    public let gamma: Double

    /// - Precondition: `stepSize > 0`, `gamma > 0`.
    public init(stepSize: Int, gamma: Double = 0.1) {
        require(stepSize > 0 && gamma > 0, "StepLR needs a positive step size and gamma, got \(stepSize) and \(gamma)")
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        initial * pow(gamma, Double(step / stepSize))
    }
}

/// Follows half a cosine from the initial rate down to `etaMin` over `tMax` steps, like PyTorch's
/// `CosineAnnealingLR` in its closed form: `etaMin + (initial − etaMin) · (1 + cos(π · step / tMax)) / 2`.
/// Past `tMax` the cosine carries on, so the rate climbs again, as in PyTorch.
public struct CosineAnnealingLR: LearningRateSchedule {
    public let tMax: Int
    public let etaMin: Double

    /// - Precondition: `tMax > 0`, `etaMin ≥ 0`.
    public init(tMax: Int, etaMin: Double = 0) {
        require(tMax > 0 && etaMin >= 0, "CosineAnnealingLR needs tMax > 0 and etaMin >= 0, got \(tMax) and \(etaMin)")
        self.tMax = tMax
        self.etaMin = etaMin
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        etaMin + (initial - etaMin) * (1 + cos(Double.pi * Double(step) / Double(tMax))) / 2
    }
}

/// The one-cycle policy, like PyTorch's `OneCycleLR` with cosine annealing in two phases: the
/// rate rises from `maxLR / divFactor` to `maxLR` over the first `pctStart` of `totalSteps`, then
/// falls to `maxLR / divFactor / finalDivFactor` at the last step, ignoring the optimizer's own
/// rate. Unless `cycleMomentum` is off, the momentum (Adam's first beta) moves the other way,
/// from `maxMomentum` down to `baseMomentum` and back, so the optimizer must have one.
public struct OneCycleLR: LearningRateSchedule {
    public let maxLR: Double
    public let totalSteps: Int
    public let pctStart: Double
    public let divFactor: Double
    public let finalDivFactor: Double
    public let cycleMomentum: Bool
    public let baseMomentum: Double
    public let maxMomentum: Double

    /// - Precondition: `maxLR > 0`, `totalSteps > 1`, `0 < pctStart < 1`, both factors positive,
    ///   `0 ≤ baseMomentum ≤ maxMomentum < 1`.
    public init(
        maxLR: Double, totalSteps: Int, pctStart: Double = 0.3, divFactor: Double = 25, finalDivFactor: Double = 1e4,
        cycleMomentum: Bool = true, baseMomentum: Double = 0.85, maxMomentum: Double = 0.95
    ) {
        require(maxLR > 0 && totalSteps > 1, "OneCycleLR needs maxLR > 0 and more than one step, got \(maxLR) and \(totalSteps)")
        require(pctStart > 0 && pctStart < 1 && divFactor > 0 && finalDivFactor > 0,
                "OneCycleLR needs pctStart in (0, 1) and positive factors, got \(pctStart), \(divFactor), \(finalDivFactor)")
        require(baseMomentum >= 0 && baseMomentum <= maxMomentum && maxMomentum < 1,
                "OneCycleLR needs 0 <= baseMomentum <= maxMomentum < 1, got \(baseMomentum) and \(maxMomentum)")
        self.maxLR = maxLR
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.cycleMomentum = cycleMomentum
        self.baseMomentum = baseMomentum
        self.maxMomentum = maxMomentum
    }

    public func learningRate(at step: Int, initial: Double) -> Double {
        let start = maxLR / divFactor
        let (phase, fraction) = phase(at: step)
        return phase == 0 ? Self.cosine(from: start, to: maxLR, fraction: fraction)
            : Self.cosine(from: maxLR, to: start / finalDivFactor, fraction: fraction)
    }

    public func momentum(at step: Int) -> Double? {
        guard cycleMomentum else { return nil }
        let (phase, fraction) = phase(at: step)
        return phase == 0 ? Self.cosine(from: maxMomentum, to: baseMomentum, fraction: fraction)
            : Self.cosine(from: baseMomentum, to: maxMomentum, fraction: fraction)
    }

    /// The phase (0 rising, 1 falling) of `step` and how far through it the step is. PyTorch
    /// raises past `totalSteps`; here the values stay those of step `totalSteps`.
    private func phase(at step: Int) -> (Int, Double) {
        // PyTorch's phase boundary, `pctStart · totalSteps − 1`, need not be a whole step.
        let peak = pctStart * Double(totalSteps) - 1
        let t = Double(min(step, totalSteps))
        if t <= peak { return (0, t / peak) }
        return (1, (t - peak) / (Double(totalSteps - 1) - peak))
    }

    private static func cosine(from start: Double, to end: Double, fraction: Double) -> Double {
        end + (start - end) / 2 * (1 + cos(Double.pi * fraction))
    }
}
