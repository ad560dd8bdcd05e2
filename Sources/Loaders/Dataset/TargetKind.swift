/// What a reader makes of a target column or dataset: class labels for a classifier, or real
/// values for a regression. Users say which; a file's element type only has to allow it.
public enum TargetKind: String, Sendable, CaseIterable {
    /// Integer class labels, `Example.Target.label`: an integer column or dataset (or, in CSV,
    /// text categories); a float value is an error naming the place and the value, unless it is
    /// integral.
    case labels
    /// Real values, `Example.Target.values`: any numeric column or dataset, converted to `Float`.
    case values
}
