// A minimal LiteGraph look-alike: nodes with widgets and output links, enough for the
// graph-reading code (which only uses duck-typed properties).
export function fakeGraph() {
  const nodes = new Map();
  const links = new Map();
  let nextLink = 1;
  const graph = {
    links,
    getNodeById: (id) => nodes.get(String(id)) ?? null,
    getLink: (id) => links.get(id),
    add(id, type, widgets = {}, { outputs = 1 } = {}) {
      const node = {
        id,
        type,
        comfyClass: type,
        graph,
        widgets: Object.entries(widgets).map(([name, value]) => ({ name, value })),
        outputs: Array.from({ length: outputs }, () => ({ links: [] })),
      };
      nodes.set(String(id), node);
      return node;
    },
    /** `input`: the name of the target's input socket the link arrives at (optional). */
    connect(from, to, slot = 0, input = null) {
      const id = nextLink++;
      links.set(id, { id, origin_id: from.id, target_id: to.id });
      from.outputs[slot].links.push(id);
      if (input) (to.inputs ??= []).push({ name: input, link: id });
    },
  };
  return graph;
}

export const setWidget = (node, name, value) => {
  node.widgets.find((w) => w.name === name).value = value;
};
