#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Element-wise loops of the training hot path, over raw pointers and 8-wide SIMD vectors.
///
/// Floating-point sums are not reassociated by the compiler, so reductions keep eight running
/// partial sums explicitly; element-wise loops use vectors so the masks and maxima need no branches.
enum Kernels {
    typealias Vector = SIMD8<Float>

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self)
    }

    /// The square root of each lane, correctly rounded like `Float.squareRoot()`.
    ///
    /// On Linux `Float.squareRoot()` keeps C's `errno` contract: a branch and a call to `sqrtf`
    /// for negative input on every lane, which also stops the loop from being vectorised.
    @inline(__always)
    static func squareRoot(_ vector: Vector) -> Vector {
        #if arch(x86_64)
        Vector(lowHalf: SIMD4(_mm_sqrt_ps(vector.lowHalf)), highHalf: SIMD4(_mm_sqrt_ps(vector.highHalf)))
        #else
        vector.squareRoot()
        #endif
    }

    /// `max(vector, 0)` lane by lane (the standard library's `pointwiseMax` is not inlined).
    @inline(__always)
    static func rectified(_ vector: Vector) -> Vector {
        vector.replacing(with: 0, where: vector .< 0)
    }

    /// `matrix[r][c] = values[r]` for a `rows × columns` row-major matrix.
    static func fillRows(_ matrix: UnsafeMutablePointer<Float>, with values: UnsafePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows { (matrix + r * columns).update(repeating: values[r], count: columns) }
    }

    /// `values[i] = max(values[i], 0)`.
    static func rectify(_ values: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(rectified(load(values + i)), values + i)
            i += 8
        }
        while i < count { values[i] = max(values[i], 0); i += 1 }
    }

    /// `matrix[r][c] += bias[c]` for every row of a `rows × columns` matrix, then max(0, ·) if `relu`.
    static func addRowVector(_ bias: UnsafePointer<Float>, rows: Int, columns: Int, to matrix: UnsafeMutablePointer<Float>, relu: Bool) {
        for r in 0..<rows {
            let line = matrix + r * columns
            for c in 0..<columns { line[c] = relu ? max(line[c] + bias[c], 0) : line[c] + bias[c] }
        }
    }

    /// `target[i] = activation[i] > 0 ? gradient[i] : 0`: the gradient through max(0, ·),
    /// read off the activation's output.
    /// `target` may be `gradient` itself.
    static func maskPositive(_ gradient: UnsafePointer<Float>, by activation: UnsafePointer<Float>, count: Int, into target: UnsafeMutablePointer<Float>) {
        let zero = Vector.zero
        var i = 0
        while i + 8 <= count {
            store(zero.replacing(with: load(gradient + i), where: load(activation + i) .> zero), target + i)
            i += 8
        }
        while i < count { target[i] = activation[i] > 0 ? gradient[i] : 0; i += 1 }
    }

    /// `values[i] = activation[i] > 0 ? values[i] : 0` in place, returning the sum of the result:
    /// the ReLU mask and the bias gradient's row sum in one pass.
    static func maskPositiveSumming(_ values: UnsafeMutablePointer<Float>, by activation: UnsafePointer<Float>, count: Int) -> Float {
        var partial = Vector.zero
        var i = 0
        while i + 8 <= count {
            let masked = Vector.zero.replacing(with: load(values + i), where: load(activation + i) .> 0)
            store(masked, values + i)
            partial += masked
            i += 8
        }
        var total = partial.sum()
        while i < count {
            values[i] = activation[i] > 0 ? values[i] : 0
            total += values[i]
            i += 1
        }
        return total
    }

    /// `Σ line[i]` over `count` elements, in eight interleaved partial sums.
    @inline(__always)
    static func sum(_ line: UnsafePointer<Float>, count: Int) -> Float {
        var partial = Vector.zero
        var i = 0
        while i + 8 <= count {
            partial += load(line + i)
            i += 8
        }
        var total = partial.sum()
        while i < count { total += line[i]; i += 1 }
        return total
    }

    /// `sums[r] += Σ_c matrix[r][c]`.
    static func addRowSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, to sums: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { sums[r] += sum(matrix + r * columns, count: columns) }
    }

    /// `sums[c] += Σ_r matrix[r][c]`.
    static func addColumnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, to sums: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let line = matrix + r * columns
            for c in 0..<columns { sums[c] += line[c] }
        }
    }

    /// `target[i] = source[i]` for non-overlapping buffers: inlined, since most of im2col's lines
    /// are a few dozen floats, too short to pay for a call to `memmove`. A line of 8 or more ends
    /// with a vector that overlaps the previous one instead of a scalar tail.
    @inline(__always)
    static func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= 8 else {
            for i in 0..<count { target[i] = source[i] }
            return
        }
        var i = 0
        while i + 8 < count {
            store(load(source + i), target + i)
            i += 8
        }
        store(load(source + count - 8), target + count - 8)
    }

    /// `target[i] = 0`, inlined for the short runs of im2col's padding.
    @inline(__always)
    static func zero(_ target: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= 8 else {
            for i in 0..<count { target[i] = 0 }
            return
        }
        var i = 0
        while i + 8 < count {
            store(.zero, target + i)
            i += 8
        }
        store(.zero, target + count - 8)
    }

    /// `target[i] = values[i] · factors[i]`.
    static func multiply(_ values: UnsafePointer<Float>, by factors: UnsafePointer<Float>, count: Int, into target: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            store(load(values + i) * load(factors + i), target + i)
            i += 8
        }
        while i < count { target[i] = values[i] * factors[i]; i += 1 }
    }

    /// `target[i] += source[i]`.
    @inline(__always)
    static func add(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(target + i) + load(source + i), target + i)
            i += 8
        }
        while i < count { target[i] += source[i]; i += 1 }
    }
}
