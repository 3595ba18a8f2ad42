//! The table logic of the profile table, the accounts view and the bulk screens: rows joined
//! from the store's listings, view state read from and written to the URL, filter and sort,
//! and CSV. Plain data and functions: no view, and no file here imports a page
//! (`url_view.rs` keeps a view state in the URL with the router's hooks).

pub mod accounts;
pub mod coverage;
pub mod csv;
pub mod factors;
pub mod fleet;
pub mod fleet_rows;
pub mod listing;
pub mod profiles;
pub mod url_view;
pub mod window;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use wasm_bindgen_test::wasm_bindgen_test;

    use super::accounts::{
        AccountFilters, SortKey as AccountSort, TotpState, ViewState as Accounts,
    };
    use super::profiles::{ProfileFilters, SortKey as ProfileSort, Status, ViewState as Profiles};

    fn params(query: &str) -> HashMap<String, String> {
        ontap_model::Query::parse(query.trim_start_matches('?'))
            .pairs()
            .iter()
            .cloned()
            .collect()
    }

    #[wasm_bindgen_test]
    fn both_tables_write_their_view_in_one_order_and_read_it_back() {
        let p = Profiles {
            text: "a b&c".into(),
            svm: Some("vs_eng".into()),
            sort: ProfileSort::Account,
            desc: true,
            filters: ProfileFilters {
                scope: Some("svm".into()),
                status: Some(Status::NotEnrolled),
            },
        };
        let q = p.to_query();
        assert_eq!(
            q,
            "?q=a%20b%26c&svm=vs_eng&scope=svm&status=not-enrolled&sort=account&dir=desc"
        );
        let m = params(&q);
        assert_eq!(Profiles::from_params(|k| m.get(k).cloned()), p);
        assert_eq!(Profiles::default().to_query(), "");

        let a = Accounts {
            text: String::new(),
            svm: None,
            sort: AccountSort::Role,
            desc: false,
            filters: AccountFilters {
                totp: Some(TotpState::Disabled),
                locked: Some(false),
                factor: None,
            },
        };
        let q = a.to_query();
        assert_eq!(q, "?totp=disabled&locked=no&sort=role");
        let m = params(&q);
        assert_eq!(Accounts::from_params(|k| m.get(k).cloned()), a);
        // Unknown values fall back to the defaults.
        let m = params("?sort=nonsense&status=odd&scope=galaxy&dir=up");
        assert_eq!(
            Profiles::from_params(|k| m.get(k).cloned()),
            Profiles::default()
        );
    }
}
