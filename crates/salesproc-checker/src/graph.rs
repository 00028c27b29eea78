//! Graph walks over a process's transitions that can fire ("live" transitions), through
//! petgraph. Every walk is linear in stages plus transitions.

use petgraph::visit::{
    Bfs, EdgeFiltered, EdgeRef, IntoNeighbors, IntoNodeIdentifiers, NodeIndexable, Reversed, Walker,
};
use salesproc_parser::model::{Process, StageId};

/// `live[e]` says whether transition (edge) `e` can fire.
pub type LiveEdges = [bool];

/// Marks the stages reachable from `starts` through live transitions (the starts included).
pub fn reachable_from(process: &Process, starts: &[StageId], live: &LiveEdges) -> Vec<bool> {
    let graph = &process.graph.0;
    let filtered = EdgeFiltered::from_fn(graph, |edge| live.get(edge.id().index()).copied().unwrap_or(false));
    let mut seen = vec![false; graph.node_count()];
    let Some(first) = starts.first() else { return seen };
    let mut bfs = Bfs::new(&filtered, first.node());
    bfs.stack.extend(starts.iter().skip(1).map(|s| s.node()));
    for s in starts {
        bfs.discovered.insert(s.node().index());
    }
    for node in bfs.iter(&filtered) {
        if let Some(slot) = seen.get_mut(node.index()) {
            *slot = true;
        }
    }
    seen
}

/// Marks the stages from which some stage in `targets` can be reached through live
/// transitions (the targets included): one walk backwards from all targets at once.
pub fn can_reach(process: &Process, targets: &[StageId], live: &LiveEdges) -> Vec<bool> {
    let graph = &process.graph.0;
    let filtered = EdgeFiltered::from_fn(graph, |edge| live.get(edge.id().index()).copied().unwrap_or(false));
    let reversed = Reversed(&filtered);
    let mut seen = vec![false; graph.node_count()];
    let Some(first) = targets.first() else { return seen };
    let mut bfs = Bfs::new(reversed, first.node());
    bfs.stack.extend(targets.iter().skip(1).map(|s| s.node()));
    for t in targets {
        bfs.discovered.insert(t.node().index());
    }
    while let Some(node) = bfs.next(reversed) {
        if let Some(slot) = seen.get_mut(node.index()) {
            *slot = true;
        }
    }
    seen
}

/// The strongly connected components of the live graph, each a list of stages, in the order
/// and with the contents of `petgraph::algo::tarjan_scc` (see [`tarjan_scc`]).
pub fn live_components(process: &Process, live: &LiveEdges) -> Vec<Vec<StageId>> {
    let graph = &process.graph.0;
    let filtered = EdgeFiltered::from_fn(graph, |edge| live.get(edge.id().index()).copied().unwrap_or(false));
    tarjan_scc(&filtered).into_iter().map(|component| component.into_iter().map(StageId::of_node).collect()).collect()
}

/// The strongly connected components of `g`: petgraph's `tarjan_scc` (Pearce's variant of
/// Tarjan's algorithm) with its recursion turned into a loop over an explicit stack.
///
/// petgraph's version recurses once per stage along the longest path it walks, so a process
/// of 100,000 stages in a row overflowed the stack of the thread checking it. This one keeps
/// the same state in a `Vec` and visits neighbours in the same order, so it returns the same
/// components in the same order, each listing its stages in the same order.
pub fn tarjan_scc<G>(g: G) -> Vec<Vec<G::NodeId>>
where
    G: IntoNodeIdentifiers + IntoNeighbors + NodeIndexable,
{
    /// A visit in progress: the node, its neighbours still to look at, whether it is still
    /// the root of its component, and the neighbour whose visit it waits for.
    struct Frame<N, I> {
        node: N,
        neighbors: I,
        local_root: bool,
        child: Option<N>,
    }
    // Per node: 0 when not visited; its visit index while on the way; after, its component's
    // number counted down from `usize::MAX` (petgraph's `rootindex`, with 0 for `None`).
    let mut root: Vec<usize> = vec![0; g.node_bound()];
    let mut index = 1usize;
    let mut component_count = usize::MAX;
    let mut stack: Vec<G::NodeId> = Vec::new();
    let mut components: Vec<Vec<G::NodeId>> = Vec::new();
    let mut frames: Vec<Frame<G::NodeId, G::Neighbors>> = Vec::new();
    let get = |root: &[usize], n: G::NodeId| root.get(g.to_index(n)).copied().unwrap_or(0);
    let set = |root: &mut [usize], n: G::NodeId, value: usize| {
        if let Some(slot) = root.get_mut(g.to_index(n)) {
            *slot = value;
        }
    };

    for start in g.node_identifiers() {
        if get(&root, start) != 0 {
            continue;
        }
        set(&mut root, start, index);
        index += 1;
        frames.push(Frame { node: start, neighbors: g.neighbors(start), local_root: true, child: None });
        while let Some(frame) = frames.last_mut() {
            let v = frame.node;
            // Back from visiting `child`, or looking at a neighbour already visited: the same
            // update either way.
            let next = match frame.child.take() {
                Some(w) => Some((w, false)),
                None => frame.neighbors.next().map(|w| (w, get(&root, w) == 0)),
            };
            match next {
                Some((w, true)) => {
                    frame.child = Some(w);
                    set(&mut root, w, index);
                    index += 1;
                    frames.push(Frame { node: w, neighbors: g.neighbors(w), local_root: true, child: None });
                }
                Some((w, false)) => {
                    if get(&root, w) < get(&root, v) {
                        let lower = get(&root, w);
                        set(&mut root, v, lower);
                        frame.local_root = false;
                    }
                }
                None => {
                    let local_root = frame.local_root;
                    frames.pop();
                    if !local_root {
                        stack.push(v);
                        continue;
                    }
                    // Pop the stack and make a component.
                    let mut adjustment = 1;
                    let v_root = get(&root, v);
                    let mut first = stack.len();
                    while let Some(&w) = first.checked_sub(1).and_then(|i| stack.get(i)) {
                        if v_root > get(&root, w) {
                            break;
                        }
                        set(&mut root, w, component_count);
                        adjustment += 1;
                        first -= 1;
                    }
                    set(&mut root, v, component_count);
                    stack.push(v);
                    components.push(stack.split_off(first));
                    index -= adjustment;
                    component_count -= 1;
                }
            }
        }
    }
    components
}

/// The strongly connected components of the live graph, with what the loop rules need to
/// walk them as a graph of their own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Condensation {
    /// The components, each a list of stages. The order is petgraph's: a component comes after
    /// every component it leads to (reverse topological order), so a walk in this order sees
    /// the stages a component leads to before the component itself.
    pub components: Vec<Vec<StageId>>,
    /// Per stage: the index of its component.
    pub component_of: Vec<usize>,
    /// Per component: whether a deal can go round in it, that is whether it has more than one
    /// stage or a live transition from its one stage to itself.
    pub cyclic: Vec<bool>,
}

/// The live graph's strongly connected components (Tarjan), indexed both ways, with which
/// ones are loops. Linear in stages plus transitions.
pub fn condensation(process: &Process, live: &LiveEdges) -> Condensation {
    let components = live_components(process, live);
    let mut component_of = vec![0; process.graph.0.node_count()];
    for (index, component) in components.iter().enumerate() {
        for stage in component {
            if let Some(slot) = component_of.get_mut(stage.index()) {
                *slot = index;
            }
        }
    }
    let mut cyclic: Vec<bool> = components.iter().map(|c| c.len() > 1).collect();
    for edge in process.graph.0.edge_references() {
        let is_live = live.get(edge.id().index()).copied().unwrap_or(false);
        if is_live && edge.source() == edge.target() {
            if let Some(flag) = component_of.get(edge.source().index()).and_then(|c| cyclic.get_mut(*c)) {
                *flag = true;
            }
        }
    }
    Condensation { components, component_of, cyclic }
}

#[cfg(test)]
mod tests {
    use super::*;
    use salesproc_parser::analyze;

    fn process(text: &str) -> Process {
        let analysis = analyze(text);
        assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
        analysis.model.and_then(|m| m.process).expect("a process")
    }

    const LOOP: &str = "process \"p\" {\n  role r\n  start stage a {\n    owner r\n    advance to b\n  }\n  stage b {\n    owner r\n    advance to c\n  }\n  stage c {\n    owner r\n    advance to b\n    route to won\n  }\n  stage won { terminal won }\n  stage island {\n    owner r\n    advance to won\n  }\n}\n";

    #[test]
    fn reach_and_reverse_reach() {
        let process = process(LOOP);
        let live = vec![true; process.graph.0.edge_count()];
        let reach = reachable_from(&process, &process.starts, &live);
        assert_eq!(reach, vec![true, true, true, true, false]);
        let won = [StageId(3)];
        assert_eq!(can_reach(&process, &won, &live), vec![true, true, true, true, true]);
        // Without c → won (edge 3), nothing but the island and won itself reaches won.
        let mut cut = live.clone();
        cut[3] = false;
        assert_eq!(can_reach(&process, &won, &cut), vec![false, false, false, true, true]);
        assert_eq!(reachable_from(&process, &process.starts, &cut), vec![true, true, true, false, false]);
    }

    #[test]
    fn the_loop_finds_what_petgraphs_recursion_finds() {
        // Random graphs of up to 12 nodes, with self-loops and parallel edges, some edges
        // filtered out: the same components, in the same order, each in the same order.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut random = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n.max(1)
        };
        for _ in 0..2_000 {
            let nodes = 1 + random(12) as usize;
            let mut graph = petgraph::Graph::<(), bool>::new();
            let ids: Vec<_> = (0..nodes).map(|_| graph.add_node(())).collect();
            for _ in 0..random(3 * nodes as u64 + 1) {
                let (a, b) = (ids[random(nodes as u64) as usize], ids[random(nodes as u64) as usize]);
                graph.add_edge(a, b, random(4) != 0);
            }
            let filtered = EdgeFiltered::from_fn(&graph, |edge| *edge.weight());
            assert_eq!(tarjan_scc(&filtered), petgraph::algo::tarjan_scc(&filtered));
        }
    }

    #[test]
    fn a_chain_of_200_000_stages_needs_no_stack() {
        let mut graph = petgraph::Graph::<(), ()>::new();
        let ids: Vec<_> = (0..200_000).map(|_| graph.add_node(())).collect();
        for pair in ids.windows(2) {
            graph.add_edge(pair[0], pair[1], ());
        }
        graph.add_edge(ids[199_999], ids[100_000], ());
        let components = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || tarjan_scc(&graph).iter().map(Vec::len).collect::<Vec<_>>())
            .expect("a thread")
            .join()
            .expect("no stack overflow");
        assert_eq!(components.len(), 100_001);
        assert_eq!(components[0], 100_000);
    }

    #[test]
    fn components_find_the_loop() {
        let process = process(LOOP);
        let live = vec![true; process.graph.0.edge_count()];
        let mut loops: Vec<Vec<StageId>> =
            live_components(&process, &live).into_iter().filter(|c| c.len() > 1).collect();
        for component in &mut loops {
            component.sort();
        }
        assert_eq!(loops, vec![vec![StageId(1), StageId(2)]]);
    }

    #[test]
    fn condensation_orders_components_after_what_they_lead_to() {
        let process = process(LOOP);
        let live = vec![true; process.graph.0.edge_count()];
        let cond = condensation(&process, &live);
        let a = cond.component_of[0];
        let b = cond.component_of[1];
        let c = cond.component_of[2];
        let won = cond.component_of[3];
        let island = cond.component_of[4];
        assert_eq!(b, c, "b and c form one loop");
        assert!(cond.cyclic[b]);
        assert!(!cond.cyclic[a] && !cond.cyclic[won] && !cond.cyclic[island]);
        // a leads to the loop, which leads to won; the island leads to won.
        assert!(won < b && b < a && won < island);
        // Cutting b → c (edge 1) breaks the loop.
        let mut cut = live.clone();
        cut[1] = false;
        let cond = condensation(&process, &cut);
        assert!(cond.cyclic.iter().all(|c| !c));
    }

    #[test]
    fn a_live_self_loop_is_a_loop_and_a_dead_one_is_not() {
        let text = "process \"p\" {\n  role r\n  start stage a {\n    owner r\n    route to a\n    advance to won\n  }\n  stage won { terminal won }\n}\n";
        let process = process(text);
        let live = vec![true; process.graph.0.edge_count()];
        let cond = condensation(&process, &live);
        assert!(cond.cyclic[cond.component_of[0]]);
        let cond = condensation(&process, &[false, true]);
        assert!(!cond.cyclic[cond.component_of[0]]);
    }
}
