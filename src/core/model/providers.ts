/** Execution providers tried in order when none are configured: CUDA when it loads, else CPU. */
export const DEFAULT_PROVIDERS = ['cuda', 'cpu'];
