/// Element-wise loops of the training hot path, over raw pointers so the compiler vectorises them.
enum Kernels {
    /// `matrix[r][c] += bias[r]` for a `rows × columns` row-major matrix, then max(0, ·) if `relu`.
    static func addBias(_ bias: UnsafePointer<Float>, rows: Int, columns: Int, to matrix: UnsafeMutablePointer<Float>, relu: Bool) {
        for r in 0..<rows {
            let line = matrix + r * columns
            let value = bias[r]
            if relu {
                for c in 0..<columns { line[c] = max(line[c] + value, 0) }
            } else {
                for c in 0..<columns { line[c] += value }
            }
        }
    }

    /// `matrix[r][c] += bias[c]` for every row of a `rows × columns` matrix, then max(0, ·) if `relu`.
    static func addRowVector(_ bias: UnsafePointer<Float>, rows: Int, columns: Int, to matrix: UnsafeMutablePointer<Float>, relu: Bool) {
        for r in 0..<rows {
            let line = matrix + r * columns
            if relu {
                for c in 0..<columns { line[c] = max(line[c] + bias[c], 0) }
            } else {
                for c in 0..<columns { line[c] += bias[c] }
            }
        }
    }

    /// `target[i] = activation[i] > 0 ? gradient[i] : 0`: the gradient through max(0, ·),
    /// read off the activation's output.
    static func maskPositive(_ gradient: UnsafePointer<Float>, by activation: UnsafePointer<Float>, count: Int, into target: UnsafeMutablePointer<Float>) {
        for i in 0..<count { target[i] = activation[i] > 0 ? gradient[i] : 0 }
    }

    /// `sums[r] += Σ_c matrix[r][c]`.
    static func addRowSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, to sums: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let line = matrix + r * columns
            var total: Float = 0
            for c in 0..<columns { total += line[c] }
            sums[r] += total
        }
    }

    /// `sums[c] += Σ_r matrix[r][c]`.
    static func addColumnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, to sums: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let line = matrix + r * columns
            for c in 0..<columns { sums[c] += line[c] }
        }
    }

    /// `target[i] += source[i]`.
    static func add(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { target[i] += source[i] }
    }
}
