//! Graph walks over a process's transitions that can fire ("live" transitions), through
//! petgraph. Every walk is linear in stages plus transitions.

use petgraph::visit::{Bfs, EdgeFiltered, EdgeRef, Reversed, Walker};
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

/// The strongly connected components of the live graph, each a list of stages (petgraph's
/// Tarjan, iterative).
pub fn live_components(process: &Process, live: &LiveEdges) -> Vec<Vec<StageId>> {
    let graph = &process.graph.0;
    let filtered = EdgeFiltered::from_fn(graph, |edge| live.get(edge.id().index()).copied().unwrap_or(false));
    petgraph::algo::tarjan_scc(&filtered)
        .into_iter()
        .map(|component| component.into_iter().map(StageId::of_node).collect())
        .collect()
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
