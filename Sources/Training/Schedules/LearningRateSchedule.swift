import Foundation
import Loaders

/// A learning rate as a function of the step count, like PyTorch's `torch.optim.lr_scheduler`s.
///
/// A step is whatever the schedule is stepped by: an epoch for `StepLR` and `CosineAnnealingLR`
/// as usually used, a batch for `OneCycleLR`. A `LearningRateScheduler` applies it to an optimizer.
public protocol LearningRateSchedule: Sendable {
    /// The rate after `step` steps (0 = before the first), for an optimizer created with `initial`.
    func learningRate(at step: Int, initial: Double) -> Double
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

/// The one-cycle policy, like PyTorch's `OneCycleLR` with cosine annealing in two phases: from
/// `maxLR / divFactor` up to `maxLR` over the first `pctStart` of `totalSteps`, then down to
/// `maxLR / divFactor / finalDivFactor` at the last step. It ignores the optimizer's own rate.
/// PyTorch also cycles the momentum inversely by default; this schedule sets the rate only.
public struct OneCycleLR: LearningRateSchedule {
    public let maxLR: Double
    public let totalSteps: Int
    public let pctStart: Double
    public let divFactor: Double
    public let finalDivFactor: Double

    /// - Precondition: `maxLR > 0`, `totalSteps > 1`, `0 < pctStart < 1`, both factors positive.
    public init(maxLR: Double, totalSteps: Int, pctStart: Double = 0.3, divFactor: Double = 25, finalDivFactor: Double = 1e4) {
        require(maxLR > 0 && totalSteps > 1, "OneCycleLR needs maxLR > 0 and more than one step, got \(maxLR) and \(totalSteps)")
        require(pctStart > 0 && pctStart < 1 && divFactor > 0 && finalDivFactor > 0,
                "OneCycleLR needs pctStart in (0, 1) and positive factors, got \(pctStart), \(divFactor), \(finalDivFactor)")
        self.maxLR = maxLR
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
    }

    /// The rate at `step`; PyTorch raises past `totalSteps`, this stays at the final rate.
    public func learningRate(at step: Int, initial: Double) -> Double {
        let start = maxLR / divFactor
        let final = start / finalDivFactor
        // PyTorch's phase boundary, `pctStart · totalSteps − 1`, need not be a whole step.
        let peak = pctStart * Double(totalSteps) - 1
        let last = Double(totalSteps - 1)
        let t = Double(min(step, totalSteps - 1))
        if t <= peak { return Self.cosine(from: start, to: maxLR, fraction: t / peak) }
        return Self.cosine(from: maxLR, to: final, fraction: (t - peak) / (last - peak))
    }

    private static func cosine(from start: Double, to end: Double, fraction: Double) -> Double {
        end + (start - end) / 2 * (1 + cos(Double.pi * fraction))
    }
}
