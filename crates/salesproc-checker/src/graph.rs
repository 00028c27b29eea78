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

#[cfg(test)]
mod tests {
    use super::*;
    use salesproc_parser::analyze;

    fn process(text: &str) -> Process {
        let analysis = analyze(text);
        assert!(analysis.diagnostics.is_empty(), "{:?}", analysis.diagnostics);
        analysis.model.and_then(|m| m.process).expect("a process")
    }

    const LOOP: &str = "process \"p\" {\n  role r\n  start stage a { owner r\n    advance to b\n  }\n  stage b { owner r\n    advance to c\n  }\n  stage c { owner r\n    advance to b\n    route to won\n  }\n  stage won { terminal won }\n  stage island { owner r\n    advance to won\n  }\n}\n";

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
}
