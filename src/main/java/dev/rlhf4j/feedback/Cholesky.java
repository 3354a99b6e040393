package dev.rlhf4j.feedback;

/**
 * Solves A·x = b for a symmetric positive-definite A by the Cholesky factorisation A = L·Lᵀ
 * (Golub and Van Loan, <i>Matrix Computations</i>, Algorithm 4.2.1), then forward substitution
 * L·y = b and back substitution Lᵀ·x = y. Dense, n³/6 multiply-adds: Bradley–Terry's Newton steps for
 * up to a few hundred players.
 */
final class Cholesky {

    private Cholesky() {}

    /**
     * x with A·x = b; A is read, not changed.
     *
     * @throws IllegalStateException when A is not positive definite
     */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double d = a[j][j];
            for (int k = 0; k < j; k++) {
                d -= l[j][k] * l[j][k];
            }
            if (!(d > 0)) {
                throw new IllegalStateException("matrix not positive definite at row " + j + " (pivot " + d + ")");
            }
            l[j][j] = Math.sqrt(d); // L_jj = sqrt(A_jj − Σ_k L_jk²)
            for (int i = j + 1; i < n; i++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = s / l[j][j]; // L_ij = (A_ij − Σ_k L_ik·L_jk) / L_jj
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i]; // L·y = b
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i]; // Lᵀ·x = y
        }
        return x;
    }
}
