// HaloCore module placeholder; replaced by the real implementation.
