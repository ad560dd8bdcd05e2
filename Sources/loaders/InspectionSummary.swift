/// What `inspect` prints about a file, in both of its output forms.
struct InspectionSummary {
    /// One JSON object with ordered keys.
    var json: JSON
    /// A few lines for people.
    var readable: String
}
