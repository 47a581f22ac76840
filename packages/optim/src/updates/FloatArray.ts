/** The typed arrays behind float32 and float64 tensors, which the update loops write in place. */
export type FloatArray = Float32Array | Float64Array;
