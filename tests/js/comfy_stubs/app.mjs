// Stand-in for ComfyUI's app: records registered extensions.
export const app = {
  extensions: [],
  rootGraph: null,
  registerExtension(extension) {
    this.extensions.push(extension);
  },
};
