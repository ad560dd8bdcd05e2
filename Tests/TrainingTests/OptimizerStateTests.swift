import Loaders
import Testing
@testable import Training

@Suite struct OptimizerStateTests {
    static func parameters(_ shapes: [[Int]]) -> [Parameter] {
        shapes.enumerated().map { index, shape in
            Parameter(name: "p\(index)", value: Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Float($0) * 0.25 - 1 }))
        }
    }

    /// Gives every parameter the same made-up gradient and steps.
    static func step(_ optimizer: any Optimizer, times: Int) {
        for _ in 0..<times {
            for parameter in optimizer.parameters {
                parameter.gradient.scalars = parameter.value.scalars.map { 0.5 - $0 * 0.75 }
            }
            optimizer.step()
        }
    }

    static func make(_ kind: CheckpointRun.OptimizerKind, _ parameters: [Parameter]) -> any Optimizer {
        CheckpointRun.optimizer(kind, parameters)
    }

    @Test(arguments: CheckpointRun.OptimizerKind.allCases)
    func aRestoredOptimizerStepsAsTheSavedOneDoes(_ kind: CheckpointRun.OptimizerKind) throws {
        let shapes = [[3, 4], [4], [2, 2, 2]]
        let saved = Self.make(kind, Self.parameters(shapes))
        Self.step(saved, times: 3)
        saved.learningRate *= 0.5
        let state = saved.state

        let restoredParameters = Self.parameters(shapes)
        for (target, source) in zip(restoredParameters, saved.parameters) { target.value.scalars = source.value.scalars }
        let restored = Self.make(kind, restoredParameters)
        try restored.restore(state)
        #expect(restored.state == state)
        Self.step(saved, times: 2)
        Self.step(restored, times: 2)
        for (a, b) in zip(saved.parameters, restored.parameters) {
            #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern))
        }
        #expect(restored.state == saved.state)
    }

    @Test func stateBeforeTheFirstStepHasNoMomentumBuffersAndRestoresSo() throws {
        let sgd = SGD(Self.parameters([[2]]), learningRate: 0.1, momentum: 0.9)
        let fresh = sgd.state
        #expect(fresh.buffers == [.init(name: "momentum", values: [])])
        Self.step(sgd, times: 1)
        #expect(sgd.state.buffers[0].values.count == 1)
        // Back to before the first step: the next step starts the buffers again, as the first did.
        let again = SGD(Self.parameters([[2]]), learningRate: 0.1, momentum: 0.9)
        Self.step(again, times: 1)
        try sgd.restore(fresh)
        for parameter in sgd.parameters { parameter.value.scalars = Self.parameters([[2]])[0].value.scalars }
        Self.step(sgd, times: 1)
        #expect(sgd.state == again.state)
    }

    @Test func aStateOfAnotherKindIsNamed() {
        let adam = Adam(Self.parameters([[2]]))
        let error = #expect(throws: LoaderError.self) { try SGD(Self.parameters([[2]]), learningRate: 0.1).restore(adam.state) }
        #expect(error?.code == .mismatch)
        #expect(error?.message == "optimizer state holds Adam, the optimizer is SGD")
    }

    @Test func aBufferOfAnotherSizeIsNamedWithItsParameter() {
        let saved = Adam(Self.parameters([[3, 4], [4], [2, 9]]))
        let other = Adam(Self.parameters([[3, 4], [4], [2, 10]]))
        let before = other.state
        let error = #expect(throws: LoaderError.self) { try other.restore(saved.state) }
        #expect(error?.message == "buffer 'exp_avg' 2 of 'p2' holds 18 values, the parameter 20")
        #expect(other.state == before)

        let fewer = Adam(Self.parameters([[3, 4], [4]]))
        let count = #expect(throws: LoaderError.self) { try fewer.restore(saved.state) }
        #expect(count?.message == "optimizer state holds 'exp_avg' for 3 parameters, the optimizer has 2")
    }

    @Test func aDifferentFixedSettingIsNamed() {
        let saved = Adam(Self.parameters([[2]]), epsilon: 1e-6)
        let error = #expect(throws: LoaderError.self) { try Adam(Self.parameters([[2]])).restore(saved.state) }
        #expect(error?.message == "optimizer state has Adam epsilon 1e-06, the optimizer 1e-08")
        let centered = RMSprop(Self.parameters([[2]]), centered: true)
        let plain = #expect(throws: LoaderError.self) { try RMSprop(Self.parameters([[2]])).restore(centered.state) }
        #expect(plain?.message == "optimizer state has RMSprop centered 1.0, the optimizer 0.0")
    }
}
