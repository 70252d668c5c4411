/// `SessionCheckpoint.supersedes(_:)` as an SQL condition, for the `coding_sessions` upserts
/// of both stores: written once from that rule, and held to it by StoreContractTests, which
/// runs the same table of cases through the Swift rule and through each store.
///
/// Both dialects compare booleans with false < true (SQLite stores `ended` as 0/1), so
/// "ended turned true" is `new.ended > stored.ended` in either.
enum SeqGuardSQL {
    /// The condition under which row `new` (e.g. `excluded`, an input alias) replaces row
    /// `stored` (the table or its alias). Both names are constants of the caller, never input.
    static func supersedes(new: String, stored: String) -> String {
        """
        \(new).user_id = \(stored).user_id AND (\(new).seq > \(stored).seq
            OR (\(new).seq = \(stored).seq AND (\(new).ended > \(stored).ended
                OR \(new).flow_periods > \(stored).flow_periods OR \(new).flow_ms > \(stored).flow_ms
                OR \(new).active_ms > \(stored).active_ms)))
        """
    }
}
