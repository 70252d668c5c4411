import Foundation
import TestSupport

/// Distributions the synthetic sessions need, on the shared seeded generator.
extension SeededGenerator {
    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u1 = Swift.max(unit(), 1e-12)
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Log-normal with the given median and coefficient of variation.
    mutating func logNormal(median: Double, cov: Double) -> Double {
        let sigma = log(1 + cov * cov).squareRoot()
        return median * exp(sigma * normal())
    }
}
