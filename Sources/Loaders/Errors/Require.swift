/// Stops the program with `message` unless `condition` holds, in every build.
///
/// For arguments a caller got wrong (a negative batch size, a rank outside the world). Unlike
/// `precondition`, whose message optimised builds drop, the message always reaches the person
/// reading the crash.
@inlinable
package func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
