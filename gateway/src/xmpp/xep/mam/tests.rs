use super::*;

fn jid(s: &str) -> BareJid {
    BareJid::new(s).unwrap()
}

/// The form's fields, by name, with FORM_TYPE first when the form has one.
fn fields(query: &mam::Query) -> Vec<(String, Vec<String>)> {
    let Some(form) = &query.form else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    if let Some(form_type) = form.form_type() {
        fields.push(("FORM_TYPE".to_owned(), vec![form_type.to_owned()]));
    }
    fields.extend(
        form.fields
            .iter()
            .filter(|f| f.var.as_deref() != Some("FORM_TYPE"))
            .map(|f| (f.var.clone().unwrap_or_default(), f.values.clone())),
    );
    fields
}

fn parsed(element: Element) -> mam::Query {
    mam::Query::try_from(element).unwrap()
}

#[test]
fn a_page_back_through_one_chat_filters_the_form_by_with() {
    let query = parsed(archive_query(
        "q1",
        PageAt::Before("id-40".into()),
        Some(&jid("bob@localhost")),
        25,
    ));
    assert_eq!(
        fields(&query),
        vec![
            ("FORM_TYPE".to_owned(), vec!["urn:xmpp:mam:2".to_owned()]),
            ("with".to_owned(), vec!["bob@localhost".to_owned()]),
        ]
    );
    let set = query.set.unwrap();
    assert_eq!(set.before.as_deref(), Some("id-40"));
    assert_eq!((set.after, set.max), (None, Some(25)));
}

#[test]
fn the_newest_page_of_one_chat_asks_for_the_last_page_with_the_filter() {
    let query = parsed(archive_query(
        "q2",
        PageAt::Newest,
        Some(&jid("bob@localhost")),
        10,
    ));
    assert_eq!(fields(&query).len(), 2);
    assert_eq!(query.set.unwrap().before.as_deref(), Some(""));
}

#[test]
fn with_and_start_share_one_form() {
    let query = parsed(archive_query(
        "q3",
        PageAt::Start(0),
        Some(&jid("bob@localhost")),
        10,
    ));
    let names: Vec<String> = fields(&query).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["FORM_TYPE", "with", "start"]);
}

#[test]
fn without_with_or_start_the_query_has_no_form() {
    let query = parsed(archive_query("q4", PageAt::After("id-1".into()), None, 10));
    assert!(query.form.is_none());
    assert_eq!(query.set.unwrap().after.as_deref(), Some("id-1"));
}
