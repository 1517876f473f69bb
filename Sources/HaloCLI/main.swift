import HaloSentinel
print("halo")
