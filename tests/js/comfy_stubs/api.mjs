// Stand-in for ComfyUI's api: an EventTarget like the real one.
class Api extends EventTarget {
  send(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
export const api = new Api();
