use super::{Keyed, RowDiff, RowOp, diff};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    id: u32,
    value: u8,
}

impl Keyed for Row {
    type Key = u32;
    fn key(&self) -> u32 {
        self.id
    }
}

fn apply(old: &[Row], diff: &RowDiff<Row>) -> Vec<Row> {
    let mut rows = old.to_vec();
    for op in &diff.ops {
        match op {
            RowOp::Insert { index, row } => rows.insert(*index, row.clone()),
            RowOp::Update { index, row } => rows[*index] = row.clone(),
            RowOp::Remove { index } => {
                rows.remove(*index);
            }
        }
    }
    rows
}

/// A list of up to `max` rows with unique ids below 40, in random order.
fn random_list(rng: &mut fastrand::Rng, max: usize) -> Vec<Row> {
    let mut ids: Vec<u32> = (0..40).collect();
    rng.shuffle(&mut ids);
    ids.truncate(rng.usize(0..=max));
    ids.into_iter()
        .map(|id| Row {
            id,
            value: rng.u8(0..3),
        })
        .collect()
}

#[test]
fn applying_the_ops_to_the_old_list_gives_the_new_one_in_many_random_cases() {
    let mut rng = fastrand::Rng::with_seed(16);
    for case in 0..5_000 {
        let old = random_list(&mut rng, 12);
        // Half the cases edit the old list a little, as real changes do.
        let new = if case % 2 == 0 {
            random_list(&mut rng, 12)
        } else {
            let mut new = old.clone();
            for _ in 0..rng.usize(0..4) {
                match rng.u8(0..3) {
                    0 if !new.is_empty() => {
                        let at = rng.usize(0..new.len());
                        new[at].value = new[at].value.wrapping_add(1);
                    }
                    1 if !new.is_empty() => {
                        let row = new.remove(rng.usize(0..new.len()));
                        let to = rng.usize(0..=new.len());
                        new.insert(to, row);
                    }
                    _ => {
                        let id = 100 + rng.u32(0..1_000);
                        if !new.iter().any(|r| r.id == id) {
                            new.insert(rng.usize(0..=new.len()), Row { id, value: 0 });
                        }
                    }
                }
            }
            new
        };
        let d = diff(&old, &new);
        assert_eq!(
            apply(&old, &d),
            new,
            "case {case}: {old:?} -> {new:?} by {d:?}"
        );
        let changed: std::collections::HashSet<_> = d.changed.iter().collect();
        assert_eq!(changed.len(), d.changed.len(), "case {case}: a key twice");
        for row in &new {
            let before = old.iter().find(|o| o.id == row.id);
            if before != Some(row) {
                assert!(
                    changed.contains(&row.id),
                    "case {case}: {} not reported",
                    row.id
                );
            }
        }
    }
}

#[test]
fn equal_lists_give_no_ops() {
    let rows = vec![Row { id: 1, value: 0 }, Row { id: 2, value: 1 }];
    assert!(diff(&rows, &rows).is_empty());
}

#[test]
fn one_changed_row_is_one_update_at_its_position() {
    let old = vec![Row { id: 1, value: 0 }, Row { id: 2, value: 0 }];
    let new = vec![Row { id: 1, value: 0 }, Row { id: 2, value: 1 }];
    let d = diff(&old, &new);
    assert_eq!(
        d.ops,
        vec![RowOp::Update {
            index: 1,
            row: Row { id: 2, value: 1 }
        }]
    );
    assert_eq!(d.changed, vec![2]);
}

#[test]
fn a_row_new_at_the_top_is_one_insert_at_zero() {
    let old = vec![Row { id: 1, value: 0 }];
    let new = vec![Row { id: 9, value: 0 }, Row { id: 1, value: 0 }];
    assert_eq!(
        diff(&old, &new).ops,
        vec![RowOp::Insert {
            index: 0,
            row: Row { id: 9, value: 0 }
        }]
    );
}
