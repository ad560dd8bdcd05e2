import Loaders
import Testing
@testable import Training

/// `ModelSpec`: parsing, shape inference, parameter counts and the errors that name a part.
@Suite struct ModelSpecTests {
    /// PyTorch examples/mnist's Net. Its parameter count, by hand: conv 32·1·9 + 32 = 320,
    /// conv 64·32·9 + 64 = 18,496, linear 9216·128 + 128 = 1,179,776, linear 128·10 + 10 = 1,290.
    static let examplesNet = "conv(32,3) relu conv(64,3) relu maxpool(2) dropout(0.25) flatten linear(128) relu dropout(0.5) linear(10)"
    /// LeNet-5: 6·25 + 6 = 156, 16·6·25 + 16 = 2,416, 400·120 + 120 = 48,120, 120·84 + 84 = 10,164, 84·10 + 10 = 850.
    static let leNet = "conv(6,5,pad=2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten linear(120) relu linear(84) relu linear(10)"

    @Test(arguments: [(examplesNet, 1_199_882, [64, 12, 12]), (leNet, 61_706, [16, 5, 5])])
    func classicNetworks(spec text: String, parameters: Int, beforeFlatten: [Int]) throws {
        let spec = try ModelSpec(text)
        let plan = try spec.plan(input: [1, 28, 28])
        #expect(plan.parameterCount == parameters)
        #expect(plan.outputShape == [10])
        let flatten = try #require(spec.parts.firstIndex { $0.kind == .flatten })
        #expect(plan.outputShapes[flatten - 1] == beforeFlatten)
        let model = try spec.makeModel(input: [1, 28, 28], seed: 3)
        #expect(model.parameterCount == parameters)
        #expect(model.forward(GradientCheck.random([2, 1, 28, 28], seed: 1)).shape == [2, 10])
    }

    @Test func parsesEveryLayerWithArgumentsByPositionAndName() throws {
        let spec = try ModelSpec("  conv(8, 3, stride=2, pad=1) batchnorm leakyrelu(slope=0.2) avgpool(2,pad=1)\tadaptiveavgpool(3,2) "
                                 + "sigmoid maxpool(2, 1) tanh flatten batchnorm dropout linear(4)")
        #expect(spec.parts.map(\.kind) == [
            .conv(outputs: 8, kernel: 3, stride: 2, padding: 1), .batchNorm, .leakyReLU(slope: 0.2),
            .avgPool(kernel: 2, stride: 2, padding: 1), .adaptiveAvgPool(height: 3, width: 2), .sigmoid,
            .maxPool(kernel: 2, stride: 1), .tanh, .flatten, .batchNorm, .dropout(probability: 0.5), .linear(outputs: 4),
        ])
        #expect(spec.parts[0].position == 3 && spec.parts[0].text == "conv(8, 3, stride=2, pad=1)")
        let model = try spec.makeModel(input: [2, 9, 9], seed: 1)
        // [2,9,9] → conv [8,5,5] → avgpool pad 1 [8,3,3] → adaptive [8,3,2] → maxpool 2 stride 1 [8,2,1] → 16 features.
        #expect(try spec.plan(input: [2, 9, 9]).outputShapes == [
            [8, 5, 5], [8, 5, 5], [8, 5, 5], [8, 3, 3], [8, 3, 2], [8, 3, 2], [8, 2, 1], [8, 2, 1], [16], [16], [16], [4],
        ])
        #expect(model.layers[1] is BatchNorm2d && model.layers[9] is BatchNorm1d)
        #expect(model.buffers.map(\.name) == ["1.running_mean", "1.running_var", "9.running_mean", "9.running_var"])
        #expect(model.forward(GradientCheck.random([3, 2, 9, 9], seed: 2)).shape == [3, 4])
    }

    /// The same spec and seed give the same weights; the named CNN's spec reproduces the weights
    /// the command line drew before specs existed (one generator, conv first).
    @Test func initialisationFollowsTheSeedInLayerOrder() throws {
        let model = try ModelSpec("conv(32,3) relu flatten linear(10)").makeModel(input: [1, 28, 28], seed: 5)
        var generator = SeededGenerator(seed: 5)
        let conv = Conv2d(inputChannels: 1, outputChannels: 32, kernelSize: 3, generator: &generator)
        let linear = Linear(inputFeatures: 32 * 26 * 26, outputFeatures: 10, generator: &generator)
        #expect(model.parameters.map(\.value) == (conv.parameters + linear.parameters).map(\.value))
    }

    @Test(arguments: [
        ("conv(32,3) relu pool(2)", 17, "pool(2)", "unknown layer \"pool\""),
        ("conv(32) relu", 1, "conv(32)", "kernel is missing; conv takes out, kernel, stride, pad"),
        ("conv(32,3,padding=1)", 1, "conv(32,3,padding=1)", "unknown argument \"padding\""),
        ("linear(10,5)", 1, "linear(10,5)", "too many arguments; linear takes out"),
        ("flatten linear(ten)", 9, "linear(ten)", "out \"ten\" is not a number"),
        ("linear(2.5)", 1, "linear(2.5)", "out must be a whole number of at least 1, got 2.5"),
        ("conv(8,3,pad=-1)", 1, "conv(8,3,pad=-1)", "pad must be a whole number of at least 0"),
        ("dropout(1)", 1, "dropout(1)", "p must be in [0, 1), got 1.0"),
        ("relu(2)", 1, "relu(2)", "too many arguments; relu takes no arguments"),
        ("conv(8,3", 1, "conv(8,3", "no closing parenthesis"),
        ("conv(8,3)relu", 1, "conv(8,3)relu", "expected a layer name"),
        ("relu , linear(2)", 6, ",", "expected a layer name"),
        ("avgpool(2,pad=2)", 1, "avgpool(2,pad=2)", "pad must be at most half the kernel"),
        ("conv(8,3,pad=1,pad=2)", 1, "conv(8,3,pad=1,pad=2)", "pad is given twice"),
        ("   ", 1, "   ", "the spec has no layers"),
    ])
    func aBadSpecNamesThePart(_ text: String, position: Int, part: String, reason: String) {
        #expect {
            try ModelSpec(text)
        } throws: { error in
            guard let error = error as? ModelSpecError else { return false }
            return error.position == position && error.text == part && error.reason.hasPrefix(reason)
                && error.description.hasPrefix("model spec: \"\(part)\" at character \(position): ")
        }
    }

    @Test(arguments: [
        ("conv(8,5) relu conv(8,5)", [1, 6, 6], 16, "conv(8,5)", "kernel 5 is larger than its padded input 2×2"),
        ("maxpool(3)", [1, 2, 5], 1, "maxpool(3)", "window 3 is larger than its input 2×5"),
        ("linear(10)", [1, 28, 28], 1, "linear(10)", "needs flat samples, got [1, 28, 28]; put flatten before it"),
        ("flatten conv(4,3)", [1, 8, 8], 9, "conv(4,3)", "needs [channels, height, width] samples, got [64]"),
        ("flatten adaptiveavgpool(2)", [1, 8, 8], 9, "adaptiveavgpool(2)", "needs [channels, height, width] samples"),
    ])
    func aShapeThatDoesNotFitNamesTheLayer(_ text: String, input: [Int], position: Int, part: String, reason: String) throws {
        let spec = try ModelSpec(text)
        #expect {
            try spec.plan(input: input)
        } throws: { error in
            guard let error = error as? ModelSpecError else { return false }
            return error.position == position && error.text == part && error.reason.hasPrefix(reason)
        }
    }

    @Test func parameterCountsPastIntMaxAreNil() throws {
        let plan = try ModelSpec("flatten linear(9007199254740992) linear(9007199254740992)").plan(input: [4])
        #expect(plan.parameterCount == nil)
    }

    @Test func takesImages() throws {
        #expect(try ModelSpec("relu conv(4,3) flatten linear(2)").takesImages)
        #expect(try !ModelSpec("flatten linear(2)").takesImages)
        #expect(try !ModelSpec("batchnorm linear(2)").takesImages)
    }
}
