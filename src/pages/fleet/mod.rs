//! The fleet overview (issue 19), the landing screen when `clusters.json` lists clusters: one
//! row per cluster with its release, whether it can be reached (or why not), its profiles
//! enabled and disabled, the accounts that must use TOTP and have none, the SSH accounts
//! with no second factor, and the MFA coverage of its SSH accounts as a bar. Each row fills
//! in by itself (`store::fleet`); what was wrong in `clusters.json` is said above the table.

use leptos::prelude::*;

use crate::api::gateway::Writes;
use crate::components::explain::{fleet_problem, fleet_unreachable};
use crate::session::fleet::{Access, Stage};
use crate::store::fleet::{FleetStore, Load, Member};
use crate::tables::fleet::{Coverage, Summary};

mod bar;
mod gateway;
mod report;

use crate::components::{ClusterSignIn, FleetSignIn};
use crate::text::number;
use bar::CoverageBar;
pub(crate) use gateway::GatewayPanel;
use gateway::ShownOnce;

/// The overview: problems of the file, the sign-in while nobody is signed in, the table, and
/// the own sign-in of each cluster that asks for one.
#[component]
pub(crate) fn FleetOverview() -> impl IntoView {
    let store = FleetStore::use_ctx();
    let problems = store.file.with_value(|f| f.problems.clone());
    let problems = (!problems.is_empty()).then(|| {
        view! {
            <div class="notice notice-warn fleet-problems" role="alert">
                <p class="notice-title">"clusters.json has problems; the clusters it lists correctly are shown."</p>
                <ul>
                    {problems.iter().map(|p| view! { <li class="fleet-problem">{fleet_problem(p)}</li> }).collect_view()}
                </ul>
            </div>
        }
    });
    let any_in = Memo::new(move |_| store.signed_in());
    // The shared form is for the file's own clusters; a gateway has its own.
    let has_direct = store.has_direct();
    let shared_form = Memo::new(move |_| has_direct && !store.direct_signed_in());
    let asking = move || {
        store
            .list()
            .into_iter()
            .filter(|m| m.stage() == Stage::Refused)
            .map(|m| view! { <ClusterSignIn member=m /> })
            .collect_view()
    };
    let gateways = store
        .gateway_list()
        .into_iter()
        .map(|g| view! { <GatewayPanel gateway=g /> })
        .collect_view();
    let report = RwSignal::new(false);
    view! {
        <Show when=move || report.get()>
            <report::FleetReport open=report />
        </Show>
        <div class="fleet-overview" hidden=move || report.get()>
        <h1 class="fleet-title">"Fleet overview"</h1>
        {problems}
        <Show when=move || shared_form.get()>
            <FleetSignIn />
        </Show>
        {gateways}
        <ShownOnce />
        <div class="fleet-table-wrap">
            <table class="table fleet-table">
                <caption class="visually-hidden">"Clusters of the fleet and their MFA coverage"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Cluster"</th>
                        <th scope="col">"Release"</th>
                        <th scope="col">"State"</th>
                        <th scope="col" class="num">"Profiles enabled"</th>
                        <th scope="col" class="num">"Profiles disabled"</th>
                        <th scope="col" class="num" title="Accounts that must use TOTP for SSH and have no profile">"TOTP required, no profile"</th>
                        <th scope="col" class="num" title="SSH accounts with no second factor of any kind">"SSH, no second factor"</th>
                        <th scope="col">"MFA coverage (SSH)"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || store.list()
                        key=|m| m.entry.with_value(|e| (e.line, e.api.clone()))
                        let:member>
                        <ClusterRow member />
                    </For>
                </tbody>
                <Totals />
            </table>
        </div>
        <Show when=move || any_in.get()>
            <report::ReportTools open=report />
        </Show>
        <Show when=move || any_in.get()>
            <p class="fleet-offboard-link">
                <leptos_router::components::A href=crate::routes::FLEET_OFFBOARD>"Offboard someone across the fleet"</leptos_router::components::A>
                ": disable an account's TOTP profiles, or require TOTP for it, on every cluster and SVM."
            </p>
        </Show>
        <div class="fleet-asking">{asking}</div>
        <Legend />
        </div>
    }
}

/// What a row's state cell says: a short state, and the explanation when there is one.
fn state_of(access: &Access, load: &Load) -> (&'static str, &'static str, Option<String>) {
    match (access, load) {
        (Access::Waiting, _) => ("state-idle", "Not signed in", None),
        (Access::Trying, _) => ("state-busy", "Signing in…", None),
        (Access::Refused, _) => (
            "state-warn",
            "Asks for its own sign-in",
            Some("It did not accept the shared sign-in; nothing else was sent to it.".into()),
        ),
        (Access::Unreachable(e), _) => {
            let x = fleet_unreachable(e);
            (
                "state-error",
                "Unreachable",
                Some(format!("{} {}", x.message, x.next_step)),
            )
        }
        (Access::In { cluster, .. }, _)
            if cluster.version.as_ref().is_some_and(|v| !v.has_totp()) =>
        {
            let v = cluster
                .version
                .as_ref()
                .map(|v| v.short())
                .unwrap_or_default();
            (
                "state-warn",
                "No TOTP",
                Some(format!("ONTAP {v} has no TOTP endpoint: TOTP for SSH came with ONTAP 9.13.1. Its accounts are counted; it has no profiles to show.")),
            )
        }
        (Access::In { .. }, Load::Failed(e)) => {
            let x = crate::components::Explained::from(e);
            (
                "state-error",
                "Could not be read",
                Some(format!("{} {}", x.message, x.next_step)),
            )
        }
        (Access::In { .. }, Load::Done(_)) => ("state-ok", "Reachable", None),
        (Access::In { .. }, _) => ("state-busy", "Reading…", None),
    }
}

/// One cluster's row.
#[component]
fn ClusterRow(member: Member) -> impl IntoView {
    let store = FleetStore::use_ctx();
    let name = member.name();
    let own_name = move || {
        let c = member.cluster()?;
        let n = c.name?;
        (n != member.name())
            .then(|| view! { <span class="fleet-own-name">{format!("calls itself {}", crate::text::name(&n))}</span> })
    };
    // Through a gateway the cluster sees Unified Manager's account, not the user: said on the
    // row itself, so that a row read alone (or printed) cannot mislead.
    let via = member.via_gateway().map(|g| {
        let read_only = move || {
            matches!(member.gateway_writes(), Some(Writes::Refused { .. }))
                .then_some("; read only (a change was refused)")
        };
        view! {
            <span class="fleet-via" title="Every call runs on this cluster as the account Unified Manager stores for it, not as the user signed in.">
                {format!("via Unified Manager {g}")}
            </span>
            <span class="fleet-via">"runs as its stored account"{read_only}</span>
        }
    });
    let release = move || {
        member
            .cluster()
            .and_then(|c| c.version)
            .map_or_else(|| "—".to_owned(), |v| v.short())
    };
    let state = move || {
        let (class, text, detail) = member.access.with(|a| member.load.with(|l| state_of(a, l)));
        let retry = (member.stage() == Stage::Unreachable)
            .then(|| store.retry_credentials(member))
            .flatten()
            .map(|c| {
                let c = StoredValue::new(c);
                view! {
                    <button type="button" class="button button-quiet button-small"
                        on:click=move |_| store.offer(member, c.get_value())>"Try again"</button>
                }
            });
        view! {
            <span class=format!("badge fleet-state {class}")>{text}</span>
            {detail.map(|d| view! { <p class="fleet-detail">{d}</p> })}
            {retry}
        }
    };
    // Its screens (profiles, accounts, history) under its UUID, once it is known; the name
    // alone links nowhere: two clusters may share it.
    let shown = crate::text::name(&name);
    let scope_link = move || {
        let uuid = member.cluster().and_then(|c| c.uuid).or_else(|| {
            member.via_gateway().and_then(|_| {
                member
                    .entry
                    .with_value(|e| e.api.rsplit('/').next().map(str::to_owned))
            })
        });
        let shown = shown.clone();
        match uuid.filter(|u| !u.is_empty()) {
            Some(u) => view! {
                <leptos_router::components::A href=crate::routes::Base::fleet_cluster(&u).profiles() attr:class="fleet-scope-link">
                    {shown}
                </leptos_router::components::A>
            }
            .into_any(),
            None => view! { <span>{shown}</span> }.into_any(),
        }
    };
    let summary = move || match member.load.get() {
        Load::Done(s) => Some(s),
        _ => None,
    };
    let num = move |f: fn(&Summary) -> Option<usize>| {
        move || {
            summary()
                .and_then(|s| f(&s))
                .map_or_else(|| "—".to_owned(), number)
        }
    };
    view! {
        <tr data-cluster=name.clone() data-via=member.via_gateway() aria-busy=move || matches!(member.load.get(), Load::Loading) || member.stage() == Stage::Trying>
            <th scope="row"><span class="fleet-name">{scope_link}</span>{own_name}{via}</th>
            <td class="fleet-release">{release}</td>
            <td class="fleet-state-cell">{state}</td>
            <td class="num fleet-enabled">{num(|s| s.profiles.map(|p| p.0))}</td>
            <td class="num fleet-disabled">{num(|s| s.profiles.map(|p| p.1))}</td>
            <td class="num fleet-must">{num(|s| s.must_totp_none)}</td>
            <td class="num fleet-ssh-none">{num(|s| Some(s.ssh_none))}</td>
            <td class="fleet-coverage">
                {move || summary().map(|s| view! { <CoverageBar coverage=s.coverage /> })}
            </td>
        </tr>
    }
}

/// The fleet's totals, over the clusters read so far.
#[component]
fn Totals() -> impl IntoView {
    let store = FleetStore::use_ctx();
    let totals = move || {
        let members = store.list();
        let mut read = 0;
        let (mut on, mut off, mut must, mut none) = (0, 0, 0, 0);
        let mut cov = Coverage::default();
        for m in &members {
            if let Load::Done(s) = m.load.get() {
                read += 1;
                if let Some((a, b)) = s.profiles {
                    on += a;
                    off += b;
                }
                must += s.must_totp_none.unwrap_or(0);
                none += s.ssh_none;
                cov.totp += s.coverage.totp;
                cov.other += s.coverage.other;
                cov.none += s.coverage.none;
                cov.unknown += s.coverage.unknown;
            }
        }
        (read, members.len(), on, off, must, none, cov)
    };
    move || {
        let (read, of, on, off, must, none, cov) = totals();
        (read > 0).then(|| {
            view! {
                <tfoot>
                    <tr class="fleet-totals">
                        <th scope="row">"All clusters"</th>
                        <td></td>
                        <td>{format!("{read} of {of} read")}</td>
                        <td class="num">{number(on)}</td>
                        <td class="num">{number(off)}</td>
                        <td class="num">{number(must)}</td>
                        <td class="num">{number(none)}</td>
                        <td class="fleet-coverage"><CoverageBar coverage=cov /></td>
                    </tr>
                </tfoot>
            }
        })
    }
}

/// What the bar's colours mean.
#[component]
fn Legend() -> impl IntoView {
    use crate::tables::fleet::Part;
    view! {
        <ul class="fleet-legend" aria-label="Coverage bar colours">
            {[Part::Totp, Part::Other, Part::None, Part::Unknown]
                .into_iter()
                .map(|p| view! { <li><span class=format!("swatch {}", p.class()) aria-hidden="true"></span>{p.label()}</li> })
                .collect_view()}
        </ul>
    }
}
