public enum FlowEngineModule {}
