// Node layout for the end-to-end tests (test-only): which node boxes ([x, y, w, h],
// title bar included) share area.

/** Pairs of nodes whose boxes share area. */
export function overlappingPairs(nodes) {
  const pairs = [];
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const [a, b] = [nodes[i].box, nodes[j].box];
      if (a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]) pairs.push([nodes[i], nodes[j]]);
    }
  }
  return pairs;
}
