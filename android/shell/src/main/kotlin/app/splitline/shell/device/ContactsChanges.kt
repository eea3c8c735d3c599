package app.splitline.shell.device

/**
 * The address book's entries as last imported: each contact's id with its
 * `CONTACT_LAST_UPDATED_TIMESTAMP`. Reading this is cheap (one row per
 * contact, no numbers); the Phone rows are read only when it changed.
 */
data class ContactsSnapshot(val versions: Map<Long, Long>) {
    /** The form kept between runs: `id:version` pairs. */
    fun encode(): String = versions.entries.sortedBy { it.key }.joinToString(",") { "${it.key}:${it.value}" }

    companion object {
        /** Nothing imported yet. */
        val NONE = ContactsSnapshot(emptyMap())

        /** What [encode] wrote; [NONE] for nothing or a damaged value (the next import is then a full one). */
        fun decode(text: String?): ContactsSnapshot {
            if (text.isNullOrEmpty()) return NONE
            val pairs = text.split(',').map { pair ->
                val (id, version) = pair.split(':').takeIf { it.size == 2 } ?: return NONE
                (id.toLongOrNull() ?: return NONE) to (version.toLongOrNull() ?: return NONE)
            }
            return ContactsSnapshot(pairs.toMap())
        }
    }
}

/** Which contacts were added, changed or deleted between two snapshots. */
data class ContactsChanges(val added: Set<Long>, val changed: Set<Long>, val removed: Set<Long>) {
    /** Nothing to import: the observer fired for something else (a starred contact, another account's sync). */
    val isEmpty: Boolean get() = added.isEmpty() && changed.isEmpty() && removed.isEmpty()

    companion object {
        /** What changed from [before] (the last import) to [now]. */
        fun between(before: ContactsSnapshot, now: ContactsSnapshot): ContactsChanges =
            ContactsChanges(
                added = now.versions.keys - before.versions.keys,
                changed = now.versions.filter { (id, v) -> before.versions[id]?.let { it != v } ?: false }.keys,
                removed = before.versions.keys - now.versions.keys,
            )
    }
}
