import RealtimeServer
print("flowcoach")
