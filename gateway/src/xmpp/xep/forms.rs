//! Data forms (XEP-0004): the submitted forms that configure rooms and
//! nodes.

use tokio_xmpp::minidom::{Element, rxml::xml_ncname};

const DATA_FORMS: &str = "jabber:x:data";

/// A submitted data form of type `form_type` with these fields.
pub(crate) fn submit_form(form_type: &str, fields: &[(&str, &str)]) -> Element {
    let field = |var: &str, value: &str| {
        Element::builder("field", DATA_FORMS)
            .attr(xml_ncname!("var").to_owned(), var)
            .append(Element::builder("value", DATA_FORMS).append(value).build())
            .build()
    };
    Element::builder("x", DATA_FORMS)
        .attr(xml_ncname!("type").to_owned(), "submit")
        .append(field("FORM_TYPE", form_type))
        .append_all(fields.iter().map(|(var, value)| field(var, value)))
        .build()
}
