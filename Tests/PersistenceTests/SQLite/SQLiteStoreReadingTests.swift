import CoachingCore
import Persistence
import PersistenceTestSupport
import Testing

struct SQLiteStoreReadingTests {
    @Test("reads inside reading see one snapshot: a commit by another connection shows only after it")
    func oneSnapshot() throws {
        let database = TemporaryDatabase()
        let reader = try database.store()
        let writer = try database.store()
        let user = PersistenceFixtures.user()
        let seen = try reader.reading { () throws(StoreError) -> (before: User?, after: User?) in
            let before = try reader.user(id: user.id)
            try writer.createUser(user)
            return (before, try reader.user(id: user.id))
        }
        #expect(seen.before == nil)
        #expect(seen.after == nil, "the second read is in the first one's snapshot")
        #expect(try reader.user(id: user.id) == user)
    }

    @Test("an error inside reading ends the transaction: the connection reads and writes again")
    func errorEndsTransaction() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        #expect(throws: StoreError.self) {
            try store.reading { () throws(StoreError) in
                _ = try store.users()
                throw StoreError.invalidValue(what: "test")
            }
        }
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        #expect(try store.user(id: user.id) == user)
    }
}
