import ArgumentParser

@main
struct LoadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loaders",
        abstract: "Inspect, convert, benchmark and train on on-disk training data.",
        subcommands: [InspectCommand.self, BenchCommand.self, ConvertCommand.self, TrainCommand.self, EvaluateCommand.self, PlotCommand.self, PreviewCommand.self]
    )
}
