//! The address-book commands: `/import CONTACTS.csv` hands a CSV address
//! book to the core as a phone's shell would, and `/lookup NUMBER` says who
//! a number is and how a call to it would go.
//!
//! The CSV has one row per number: `native id,name,label,number` (an
//! optional header row starting with `native_id`; fields may be quoted with
//! `"`, a quote inside doubled). Rows with the same id are one entry.

use splitline_core::{
    address_book::{AddressBook, CallCost, NativeContact, NativeNumber},
    client::Client,
};

use crate::call_commands::{self, CallSettings};

/// Why a CSV address book could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// A row does not have its four fields.
    #[error("line {line}: expected 4 fields (native id,name,label,number), found {found}")]
    Fields {
        /// The line, from 1.
        line: usize,
        /// How many it has.
        found: usize,
    },
    /// A quoted field does not end.
    #[error("line {0}: a quoted field does not end")]
    Unterminated(usize),
}

/// The fields of one CSV line.
fn fields(line: &str, number: usize) -> Result<Vec<String>, CsvError> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().ok_or(CsvError::Unterminated(number))?;
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(String::new()),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(CsvError::Unterminated(number));
    }
    Ok(fields.into_iter().map(|f| f.trim().to_owned()).collect())
}

/// The entries of a CSV address book, in the order their ids first appear.
pub fn parse_csv(text: &str) -> Result<Vec<NativeContact>, CsvError> {
    let mut entries: Vec<NativeContact> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line_number = n + 1;
        if line.trim().is_empty() || (n == 0 && line.starts_with("native_id")) {
            continue;
        }
        let row = fields(line, line_number)?;
        let [id, name, label, number] = row.as_slice() else {
            return Err(CsvError::Fields {
                line: line_number,
                found: row.len(),
            });
        };
        let at = *index.entry(id.clone()).or_insert_with(|| {
            entries.push(NativeContact {
                native_id: id.clone(),
                name: name.clone(),
                numbers: Vec::new(),
            });
            entries.len() - 1
        });
        if let Some(entry) = entries.get_mut(at)
            && !number.is_empty()
        {
            entry.numbers.push(NativeNumber {
                label: (!label.is_empty()).then(|| label.clone()),
                number: number.clone(),
            });
        }
    }
    Ok(entries)
}

/// Brings in the contacts' vCard numbers when the gateway can be reached.
async fn refresh(book: &AddressBook) {
    if let Err(e) = book.refresh_contact_phones().await {
        println!("(the contacts' numbers could not be refreshed: {e})");
    }
}

/// Imports the CSV address book at `path`, read in the terminal's country.
pub async fn import(client: &Client, here: &CallSettings, path: &str) {
    let Some(country) = here.country.as_deref() else {
        return println!("error: start the terminal with --country (like GB) to import");
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return println!("error: cannot read {path}: {e}"),
    };
    let entries = match parse_csv(&text) {
        Ok(entries) => entries,
        Err(e) => return println!("error: {path}: {e}"),
    };
    let book = client.address_book();
    match book.import(&entries, country) {
        Ok(report) => {
            println!(
                "imported: {} added, {} updated, {} removed, {} unchanged",
                report.added, report.updated, report.removed, report.unchanged
            );
            for unread in &report.unread {
                println!(
                    "  not a number (kept as written): {} '{}'",
                    unread.name, unread.written
                );
            }
        }
        Err(e) => return println!("error: {e}"),
    }
    refresh(&book).await;
    match book.matches() {
        Ok(matches) => {
            for m in matches {
                println!("  {} is {} on the network", m.name, m.jid);
            }
        }
        Err(e) => println!("error: {e}"),
    }
}

/// Says who `number` is and how a call to it would go.
pub async fn lookup(client: &Client, here: &CallSettings, number: &str) {
    let calls = match client.calls() {
        Ok(calls) => calls,
        Err(e) => return println!("error: {e}"),
    };
    let context = match call_commands::context(&calls, here).await {
        Ok(context) => context,
        Err(e) => return println!("error: {e}"),
    };
    let directory = match calls.access_numbers().await {
        Ok(directory) => directory,
        Err(e) => return println!("error: {e}"),
    };
    let book = client.address_book();
    refresh(&book).await;
    let found = match book.lookup(number, &context, &directory) {
        Ok(found) => found,
        Err(e) => return println!("error: {e}"),
    };
    println!("{}:", found.number.e164);
    for native in &found.native {
        let label = native.label.as_deref().unwrap_or("number");
        println!("  in your address book: {} ({label})", native.name);
    }
    for contact in &found.contacts {
        match &contact.name {
            Some(name) => println!("  on the network: {} ({name})", contact.jid),
            None => println!("  on the network: {}", contact.jid),
        }
    }
    if found.native.is_empty() && found.contacts.is_empty() {
        println!("  not in your address book or contacts");
    }
    let cost = match &found.cost {
        CallCost::FreeNetworkCall { jid } => format!("a free network call to {jid}"),
        CallCost::CarrierCall => "a carrier call".to_owned(),
    };
    match &found.plan {
        Ok(plan) => println!("  {cost}; {}", call_commands::describe(plan)),
        Err(e) => println!("  {cost}, which cannot be placed: {e}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_csv_gives_one_entry_per_id_with_its_numbers() {
        let text = "native_id,name,label,number\n\
                    1,Bob,mobile,020 7946 0018\n\
                    2,\"Smith, Carol\",work,\"+49 30 901820\"\n\
                    1,Bob,,07400 123456\n\
                    \n\
                    3,\"Dave \"\"D\"\"\",home,\n";
        let entries = parse_csv(text).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].numbers.len(), 2);
        assert_eq!(entries[0].numbers[1].label, None);
        assert_eq!(entries[1].name, "Smith, Carol");
        assert_eq!(entries[1].numbers[0].number, "+49 30 901820");
        assert_eq!(entries[2].name, "Dave \"D\"");
        assert!(entries[2].numbers.is_empty());
    }

    #[test]
    fn a_malformed_csv_says_which_line() {
        assert_eq!(
            parse_csv("1,Bob,mobile\n"),
            Err(CsvError::Fields { line: 1, found: 3 })
        );
        assert_eq!(
            parse_csv("1,Bob,mobile,020\n2,\"Carol,work,1\n"),
            Err(CsvError::Unterminated(2))
        );
    }
}
