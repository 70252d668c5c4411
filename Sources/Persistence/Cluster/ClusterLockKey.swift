/// The key of a user's ownership lock (`pg_try_advisory_lock(bigint)`): FNV-1a 64 of the
/// user id under a prefix, so it does not meet the migration lock's key. Two users sharing
/// a key (about one pair in 2^64/n²) would only share an owner.
enum ClusterLockKey {
    static func of(userId: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "flowcoach-user:".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for byte in userId.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int64(bitPattern: hash)
    }
}
