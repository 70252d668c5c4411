extension Store {
    /// Stores whose statements cost nothing extra outside a transaction run `body` as is.
    public func reading<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try body()
    }
}
