//! Page tokens: the position of the next item in a listing ordered the same way on every call,
//! written with the operation's prefix so that one operation's token is not taken by another.

/// The token that resumes a listing of `operation` at `offset`.
pub(crate) fn token(operation: &str, offset: usize) -> String {
    format!("{operation}-{offset}")
}

/// The offset a token of `operation` resumes at; `None` for a token this server did not write.
pub(crate) fn offset(operation: &str, token: &str) -> Option<usize> {
    token
        .strip_prefix(operation)?
        .strip_prefix('-')?
        .parse()
        .ok()
}

/// One page of `items` from `start`, at most `size` long, and the token of the next page when
/// there is one.
pub(crate) fn page<T: Clone>(
    operation: &str,
    items: &[T],
    start: usize,
    size: usize,
) -> (Vec<T>, Option<String>) {
    let end = start.saturating_add(size).min(items.len());
    let page = items.get(start..end).unwrap_or_default().to_vec();
    let next = (end < items.len()).then(|| token(operation, end));
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_resume_where_the_page_ended() {
        let items: Vec<u32> = (0..5).collect();
        let (first, next) = page("ListMetrics", &items, 0, 2);
        assert_eq!(first, [0, 1]);
        let next = next.expect("more");
        let start = offset("ListMetrics", &next).expect("our token");
        assert_eq!(page("ListMetrics", &items, start, 3), (vec![2, 3, 4], None));
        assert_eq!(offset("DescribeAlarms", &next), None);
        assert_eq!(offset("ListMetrics", "ListMetrics-x"), None);
    }
}
