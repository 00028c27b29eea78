//! "Did you mean ...?": the closest name to a misspelt one.

/// The candidate closest to `word` by edit distance (a swap of two neighbours counts as one
/// edit), if it is close enough to be what the user meant: at most one edit for short words,
/// two for words of six letters or more, and never a candidate equal to `word`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if word.chars().count() >= 6 { 2 } else { 1 };
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != word)
        .map(|candidate| (distance(&lower, &candidate.to_lowercase()), candidate))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, candidate)| (*d, *candidate))
        .map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance between two words, with a row cut-off so that comparing
/// against a long name stays cheap.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 2 {
        return usize::MAX;
    }
    let width = b.len() + 1;
    let mut rows = vec![0usize; (a.len() + 1) * width];
    for (j, cell) in rows.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i * width] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[(i - 1) * width + j] + 1)
                .min(rows[i * width + j - 1] + 1)
                .min(rows[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[(i - 2) * width + j - 2] + 1);
            }
            rows[i * width + j] = best;
        }
    }
    rows[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keywords = ["owner", "probability", "goal", "exit"];
        assert_eq!(closest("probabilty", keywords), Some("probability"));
        assert_eq!(closest("probabiltiy", keywords), Some("probability"));
        assert_eq!(closest("ownr", keywords), Some("owner"));
        assert_eq!(closest("exti", keywords), Some("exit"));
        assert_eq!(closest("banana", keywords), None);
        assert_eq!(closest("owner", keywords), None);
        assert_eq!(closest("qualifcation", ["qualification", "discovery"]), Some("qualification"));
    }
}
