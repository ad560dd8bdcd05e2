import COpenBLAS

/// The one door to OpenBLAS: single-precision matrix multiply on row-major matrices.
///
/// OpenBLAS runs single-threaded here: the training kernels split work across threads themselves
/// (images of a batch, column blocks of a weight), which keeps small per-image multiplies free of
/// OpenBLAS's thread hand-offs and leaves the cores' count under one setting, `ComputeThreads`.
enum BLAS {
    /// Whether a matrix operand is used as stored or transposed.
    enum Operand {
        case plain
        case transposed

        fileprivate var cblas: CBLAS_TRANSPOSE { self == .plain ? CblasNoTrans : CblasTrans }
    }

    private static let singleThreaded: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// `c[m×n] = alpha · op(a)[m×k] · op(b)[k×n] + beta · c`, every matrix row-major.
    ///
    /// - Parameters:
    ///   - lda, ldb, ldc: the row strides of `a`, `b` and `c` as stored.
    /// - Complexity: O(m·n·k).
    static func gemm(
        _ opA: Operand, _ opB: Operand, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(singleThreaded)
        guard m > 0, n > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, opA.cblas, opB.cblas, blasint(m), blasint(n), blasint(k), alpha,
            a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}
