import WSProtocol
public enum RealtimeServerModule {}
