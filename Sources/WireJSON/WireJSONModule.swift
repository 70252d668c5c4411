public enum WireJSONModule {}
