/// Several nodes: changes written through another node's HTTP API (or the admin CLI) reach
/// the user's owner as notices; the owning loop's copy of the user's state follows them, as
/// it would have followed the same change made here.
extension CoachingShard {
    /// The user's stored privacy settings changed: the next `privacy.set` here starts from
    /// them (not from the copy loaded with the user), and `stats:me` is published again.
    /// A user with no state here has nothing to update.
    public func storedPrivacyChanged(userId: String, settings: PrivacySettings, at time: CoachingTime) {
        now = time
        guard let user = users[userId], user.privacy != settings else { return }
        user.privacy = settings
        statsChanged(user)
    }
}
