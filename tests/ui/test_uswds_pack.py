"""The crispy-forms template pack ``uswds``: USWDS 3 markup, labels, hints, errors and the error summary."""

from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, ButtonHolder, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text_parts = [], []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        return " ".join(" ".join([*self.text_parts, *(c.text for c in self.children)]).split())

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            n
            for n in self.iter()
            if (tag is None or n.tag == tag)
            and (cls is None or cls in n.classes)
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
        return found[0]

    def closest(self, cls):
        node = self.parent
        while node is not None and cls not in node.classes:
            node = node.parent
        return node


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.current is builder.root, f"unclosed <{builder.current.tag}>"
    return builder.root


CHOICES = [("", "- Select -"), ("medicaid", "Medicaid"), ("commercial", "Commercial payer")]


class ArrangementForm(forms.Form):
    name = forms.CharField(label="Arrangement name", help_text="As it appears in the contract.")
    email = forms.EmailField(label="Contact e-mail", required=False)
    payer_type = forms.ChoiceField(label="Payer type", choices=CHOICES)
    process = forms.ChoiceField(
        label="Who is asking",
        choices=[("payer", "The payer"), ("clinician", "A clinician")],
        widget=forms.RadioSelect,
        help_text="Clinicians ask after the performance period.",
    )
    attest = forms.BooleanField(label="I attest that this is true", help_text="Signing binds the organization.")
    risk = forms.MultipleChoiceField(
        label="Kinds of risk",
        choices=[("shared", "Shared savings"), ("capitation", "Capitation")],
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False, help_text="Anything else.")
    contract = forms.FileField(label="Contract excerpt")
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.data.get("name") == "duplicate":
            raise forms.ValidationError("An arrangement with this name already exists.")
        return super().clean()


FIELDS = ["name", "email", "payer_type", "process", "attest", "risk", "notes", "contract"]
GROUPS = {"process", "risk"}
CONTROL_CLASS = {
    "name": "usa-input",
    "email": "usa-input",
    "payer_type": "usa-select",
    "attest": "usa-checkbox__input",
    "notes": "usa-textarea",
    "contract": "usa-file-input",
}


def render_filter(form) -> Node:
    return parse(Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form})))


def invalid_form(**overrides):
    data = {"name": "", "email": "not-an-address", "payer_type": "", "notes": "Fine", "token": "t"}
    data.update(overrides)
    form = ArrangementForm(data=data, files={})
    assert not form.is_valid()
    return form


def controls(doc: Node, name: str) -> list[Node]:
    return [n for n in doc.iter() if n.tag in ("input", "select", "textarea") and n.attrs.get("name") == name]


def describedby_owner(doc: Node, name: str) -> Node:
    """The element carrying the field's aria-describedby: the control, or a group's fieldset."""
    control = controls(doc, name)[0]
    if name in GROUPS:
        fieldset = control.parent
        while fieldset.tag != "fieldset":
            fieldset = fieldset.parent
        return fieldset
    return control


def ids(doc: Node) -> set[str]:
    return {n.attrs["id"] for n in doc.iter() if "id" in n.attrs}


def test_unbound_form_labels_hints_and_classes():
    doc = render_filter(ArrangementForm())

    for name in FIELDS:
        for control in controls(doc, name):
            labels = doc.find_all("label", **{"for": control.attrs["id"]})
            assert len(labels) == 1, f"{name}: one label for #{control.attrs['id']}"
            if name not in GROUPS | {"attest"}:
                assert "usa-label" in labels[0].classes
    for name, css in CONTROL_CLASS.items():
        assert css in controls(doc, name)[0].classes, name

    # Required fields show an asterisk in their label (or legend); optional ones do not. Where the
    # control has a required attribute, that is what assistive technology announces, so the
    # asterisk is hidden from it and the accessible name stays the label's words.
    name_label = doc.find("label", **{"for": "id_name"})
    asterisk = name_label.find("abbr", cls="usa-hint--required")
    assert asterisk.attrs["title"] == "required" and asterisk.attrs["aria-hidden"] == "true"
    assert "required" in doc.find("input", id="id_name").attrs
    assert not name_label.find_all(cls="usa-sr-only")
    assert not doc.find("label", **{"for": "id_email"}).find_all("abbr")
    assert "required" not in doc.find("input", id="id_email").attrs
    assert doc.find("label", **{"for": "id_attest"}).find_all("abbr", cls="usa-hint--required")
    # Checkbox groups have no required attribute, so their legend says it in words as well.
    risk_legend = describedby_owner(doc, "risk").find("legend")
    assert risk_legend.find("span", cls="usa-sr-only").text == "(required)"
    assert not [c for c in controls(doc, "risk") if "required" in c.attrs]

    # Help text is a hint the control points to.
    hint = doc.find("div", cls="usa-hint", id="id_name-hint")
    assert hint.text == "As it appears in the contract."
    assert doc.find("input", id="id_name").attrs["aria-describedby"] == "id_name-hint"
    assert doc.find("textarea", id="id_notes").attrs["aria-describedby"] == "id_notes-hint"
    assert "aria-describedby" not in doc.find("input", id="id_email").attrs

    # Radios and checkboxes are USWDS groups in a fieldset with a legend.
    for name, (wrapper, control_class, label_class) in {
        "process": ("usa-radio", "usa-radio__input", "usa-radio__label"),
        "risk": ("usa-checkbox", "usa-checkbox__input", "usa-checkbox__label"),
    }.items():
        options = controls(doc, name)
        assert len(options) == 2
        fieldset = describedby_owner(doc, name)
        assert "usa-fieldset" in fieldset.classes
        legend = fieldset.find("legend", cls="usa-legend")
        assert legend.text.startswith(ArrangementForm.base_fields[name].label)
        assert legend.find_all("abbr", cls="usa-hint--required")
        for option in options:
            assert control_class in option.classes
            assert wrapper in option.parent.classes
            assert label_class in doc.find("label", **{"for": option.attrs["id"]}).classes
    assert describedby_owner(doc, "process").attrs["aria-describedby"] == "id_process-hint"
    assert "usa-checkbox" in doc.find("input", id="id_attest").parent.classes
    assert doc.find("input", id="id_attest").attrs["aria-describedby"] == "id_attest-hint"

    # Nothing about errors on a form nobody has sent.
    assert not [n for n in doc.iter() if any(c.endswith("--error") for c in n.classes)]
    assert not doc.find_all(cls="usa-error-message")
    assert not doc.find_all(cls="usa-alert")
    assert not [n for n in doc.iter() if "aria-invalid" in n.attrs]
    assert not [n for n in doc.iter() if n.attrs.get("role") == "alert"]


def test_bound_form_marks_each_invalid_field():
    form = invalid_form()
    doc = render_filter(form)
    all_ids = ids(doc)

    invalid = ["name", "email", "payer_type", "process", "attest", "risk", "contract"]
    assert sorted(form.errors) == sorted(invalid)
    for name in invalid:
        error = doc.find("span", cls="usa-error-message", id=f"id_{name}-error")
        assert error.attrs["role"] == "alert"
        assert error.text == " ".join(form.errors[name])
        group = error.closest("usa-form-group")
        assert "usa-form-group--error" in group.classes, name
        heading = group.find_all("label", cls="usa-label") or group.find_all("legend", cls="usa-legend")
        if name != "attest":
            assert "usa-label--error" in heading[0].classes, name

        describedby = describedby_owner(doc, name).attrs["aria-describedby"].split()
        assert f"id_{name}-error" in describedby
        if form.fields[name].help_text:
            assert describedby == [f"id_{name}-hint", f"id_{name}-error"]
        assert set(describedby) <= all_ids, name

        for control in controls(doc, name):
            assert control.attrs.get("aria-invalid") == "true", name
            if name not in GROUPS | {"attest", "contract"}:
                assert "usa-input--error" in control.classes, name

    # Fields without errors keep a clean state, and keep what was typed.
    notes = doc.find("textarea", id="id_notes")
    assert notes.text == "Fine"
    assert "aria-invalid" not in notes.attrs and "usa-input--error" not in notes.classes
    assert "usa-form-group--error" not in notes.closest("usa-form-group").classes
    assert doc.find("input", id="id_email").attrs["value"] == "not-an-address"


def test_error_summary_links_to_each_field():
    form = invalid_form(name="duplicate")
    doc = render_filter(form)

    summary = doc.find("div", cls="usa-alert")
    assert {"usa-alert", "usa-alert--error"} <= summary.classes
    assert summary.attrs["role"] == "alert"
    assert summary.find("h2", cls="usa-alert__heading").text == "There are 7 problems with this form"
    items = summary.find_all("li")
    assert items[0].text == "An arrangement with this name already exists."
    assert not items[0].find_all("a")

    links = [li.find("a") for li in items[1:]]
    targets = [a.attrs["href"] for a in links]
    assert targets == [
        "#id_email",
        "#id_payer_type",
        "#id_process_0",
        "#id_attest",
        "#id_risk_0",
        "#id_contract",
    ]
    all_ids = ids(doc)
    for link in links:
        assert link.attrs["href"][1:] in all_ids
    assert links[0].text == "Contact e-mail: Enter a valid email address."
    # The summary comes before the first field.
    order = list(doc.iter())
    assert order.index(summary) < order.index(doc.find("input", id="id_email"))


def test_one_error_reads_as_one_problem_and_a_hidden_field_error_has_no_link():
    class Small(forms.Form):
        title = forms.CharField()
        step = forms.IntegerField(widget=forms.HiddenInput)

    doc = render_filter(Small(data={"title": "ok", "step": "x"}))

    summary = doc.find("div", cls="usa-alert--error")
    assert summary.find("h2").text == "There is a problem with this form"
    item = summary.find("li")
    assert item.text == "(Hidden field step) Enter a whole number."
    assert not item.find_all("a")
    assert not doc.find_all(cls="usa-form-group--error")


def test_rendering_twice_gives_the_same_markup():
    form = invalid_form()
    widget_attrs = {name: dict(field.widget.attrs) for name, field in form.fields.items()}
    template = Template("{% load crispy_forms_tags %}{{ form|crispy }}")

    assert template.render(Context({"form": form})) == template.render(Context({"form": form}))
    assert {name: field.widget.attrs for name, field in form.fields.items()} == widget_attrs


class HelperForm(ArrangementForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = "/requests/new/"
        self.helper.form_id = "arrangement-form"
        self.helper.layout = Layout(
            Fieldset(
                "About the {{ noun }}",
                "name",
                Field("email", css_class="usa-input--xl", placeholder="you@example.org"),
            ),
            Div("payer_type", "process", css_class="grid-row", css_id="payer"),
            HTML('<p id="attest-note">Read the contract before you attest.</p>'),
            "attest",
            "risk",
            "notes",
            "contract",
            ButtonHolder(Submit("save_exit", "Save and exit", css_class="usa-button--outline")),
        )
        self.helper.add_input(Submit("save", "Save and continue"))


def render_crispy(form) -> Node:
    request = RequestFactory().post("/requests/new/")
    context = RequestContext(request, {"form": form, "noun": "arrangement"})
    return parse(Template("{% load crispy_forms_tags %}{% crispy form %}").render(context))


def test_crispy_tag_with_a_helper_and_layout():
    form = HelperForm(
        data={"name": "Shared savings 2025", "email": "", "payer_type": "medicaid", "process": "payer"},
        files={"contract": SimpleUploadedFile("contract.pdf", b"%PDF-1.7")},
    )
    assert not form.is_valid()
    doc = render_crispy(form)

    form_tag = doc.find("form")
    assert form_tag.attrs["action"] == "/requests/new/"
    assert form_tag.attrs["id"] == "arrangement-form"
    assert form_tag.attrs["method"] == "post"
    assert form_tag.attrs["enctype"] == "multipart/form-data"
    assert form_tag.find_all("input", type="hidden", name="csrfmiddlewaretoken")

    fieldset = doc.find("legend", cls="usa-legend--large").parent
    assert fieldset.tag == "fieldset" and "usa-fieldset" in fieldset.classes
    assert fieldset.find("legend", cls="usa-legend--large").text == "About the arrangement"
    assert fieldset.find_all("input", id="id_name") and fieldset.find_all("input", id="id_email")
    email = doc.find("input", id="id_email")
    assert {"usa-input", "usa-input--xl"} <= email.classes
    assert email.attrs["placeholder"] == "you@example.org"
    assert doc.find("div", id="payer").find_all("select", id="id_payer_type")
    assert doc.find("p", id="attest-note").text == "Read the contract before you attest."

    buttons = {b.attrs["name"]: b for b in doc.find_all("button")}
    assert buttons["save"].classes == {"usa-button"}
    assert buttons["save"].attrs["type"] == "submit" and buttons["save"].text == "Save and continue"
    assert buttons["save_exit"].classes == {"usa-button", "usa-button--outline"}
    assert not [n for n in doc.iter() if "btn" in n.classes or "btn-primary" in n.classes]

    # Errors only where the data was missing, summarized at the top with working links.
    summary = doc.find("div", cls="usa-alert--error")
    hrefs = [a.attrs["href"] for a in summary.find_all("a")]
    assert hrefs == ["#id_attest", "#id_risk_0"]
    assert {h[1:] for h in hrefs} <= ids(doc)
    assert "usa-form-group--error" in doc.find("input", id="id_attest").closest("usa-form-group").classes
    assert "usa-form-group--error" not in doc.find("input", id="id_name").closest("usa-form-group").classes


def test_crispy_tag_unbound_without_form_tag():
    form = HelperForm()
    form.helper.form_tag = False
    doc = render_crispy(form)

    assert not doc.find_all("form")
    assert not doc.find_all(cls="usa-alert")
    note = doc.find("p", cls="usa-hint")
    assert note.text.startswith("Required fields are marked with an asterisk")
    assert note.find("abbr", cls="usa-hint--required").attrs["title"] == "required"
    assert [b.attrs["name"] for b in doc.find_all("button")] == ["save_exit", "save"]


def test_clearable_file_input_shows_the_current_file():
    class Upload(forms.Form):
        document = forms.FileField(required=False, help_text="PDF, at most 20 MB.")

    current = SimpleUploadedFile("contract.pdf", b"%PDF")
    current.url = "/never-linked/"
    doc = render_filter(Upload(initial={"document": current}))

    assert "contract.pdf" in doc.find("strong").text
    assert not doc.find_all("a")
    clear = doc.find("input", type="checkbox")
    assert "usa-checkbox__input" in clear.classes
    assert doc.find("label", **{"for": clear.attrs["id"]}).text == "Clear"
    file_input = doc.find("input", type="file")
    assert "usa-file-input" in file_input.classes
    assert "value" not in file_input.attrs and "checked" not in file_input.attrs
    assert file_input.attrs["aria-describedby"] == "id_document-hint"


def test_date_parts_each_have_a_label():
    class When(forms.Form):
        starts = forms.DateField(widget=forms.SelectDateWidget(years=[2025, 2026]), help_text="The first day.")

    doc = render_filter(When(data={"starts_month": "2", "starts_day": "31", "starts_year": "2025"}))

    fieldset = describedby_owner_for(doc, "starts_month")
    assert fieldset.attrs["aria-describedby"] == "id_starts-hint id_starts-error"
    for part in ("month", "day", "year"):
        select = doc.find("select", id=f"id_starts_{part}")
        assert {"usa-select", "usa-input--error"} <= select.classes
        assert doc.find("label", **{"for": f"id_starts_{part}"}).text == part.capitalize()
    assert doc.find("a").attrs["href"] == "#id_starts_month"


def describedby_owner_for(doc, name):
    node = controls(doc, name)[0]
    while node.tag != "fieldset":
        node = node.parent
    return node


def test_formset_and_single_field_filters():
    Formset = forms.formset_factory(ArrangementForm, extra=2)
    doc = parse(Template("{% load crispy_forms_tags %}{{ formset|crispy }}").render(Context({"formset": Formset()})))
    assert doc.find_all("input", name="form-TOTAL_FORMS")
    assert doc.find("label", **{"for": "id_form-1-name"}).find_all("abbr")
    assert doc.find("input", id="id_form-1-name").attrs["aria-describedby"] == "id_form-1-name-hint"

    form = invalid_form()
    field_doc = parse(
        Template("{% load crispy_forms_tags %}{{ form.name|as_crispy_field }}").render(Context({"form": form}))
    )
    assert field_doc.find("input", id="id_name").attrs["aria-describedby"] == "id_name-hint id_name-error"
    errors_doc = parse(
        Template("{% load crispy_forms_tags %}{{ form|as_crispy_errors }}").render(Context({"form": form}))
    )
    assert errors_doc.find("h2").text == "There are 7 problems with this form"


@pytest.mark.parametrize("show_labels", [True, False])
def test_labels_stay_for_screen_readers_when_hidden(show_labels):
    form = HelperForm()
    form.helper.form_show_labels = show_labels
    doc = render_crispy(form)

    label = doc.find("label", **{"for": "id_name"})
    assert ("usa-sr-only" in label.classes) is not show_labels
