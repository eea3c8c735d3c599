package app.splitline.android.device

import android.Manifest
import android.content.Context
import android.content.pm.PackageManager
import android.database.ContentObserver
import android.os.Handler
import android.os.Looper
import android.provider.ContactsContract.CommonDataKinds.Phone
import android.provider.ContactsContract.Contacts
import android.telephony.TelephonyManager
import android.util.Log
import app.splitline.android.splitline
import app.splitline.shell.device.AddressBookImport
import app.splitline.shell.device.ContactsChanges
import app.splitline.shell.device.ContactsSnapshot
import app.splitline.shell.device.ImportSummary
import app.splitline.shell.device.PhoneRow
import app.splitline.shell.device.entriesOf
import java.util.Locale
import java.util.WeakHashMap
import kotlinx.coroutines.launch

/** Whether the address-book import works, in words the screen shows. */
sealed class ContactsStatus(val words: String) {
    /** The user has not turned it on. */
    data object Off : ContactsStatus("Off. Turn it on to call and name the people in your phone's contacts through Splitline.")

    /** Turned on, but READ_CONTACTS is refused. */
    data object Refused : ContactsStatus(
        "Off: Splitline may not read your contacts, so it cannot show their names or call them through the network. " +
            "Allow Contacts for Splitline in the phone's settings to turn it on.",
    )

    /** On: [imported] entries. */
    data class On(val imported: Int) : ContactsStatus("On: $imported contacts from your phone.")

    /** On, but the import failed; [why] in plain words. */
    data class Failed(val why: String) : ContactsStatus("On, but the contacts could not be read: $why")
}

/**
 * Imports the phone's contacts (`ContactsContract` Phone rows) into the
 * core's address book, and again when they change (a [ContentObserver] on
 * `Contacts.CONTENT_URI`). Incremental: each contact's last-updated time is
 * compared with the last import's ([ContactsChanges]); the Phone rows are
 * read and imported only when something changed. The numbers are the core's
 * to normalise and match.
 */
class ContactsImporter(context: Context) {
    private val app = context.splitline
    private val prefs = app.getSharedPreferences(PREFS, Context.MODE_PRIVATE)

    /** Whether the user turned the feature on. */
    val isOn: Boolean get() = prefs.getBoolean(ON, false)

    /** Whether READ_CONTACTS is granted. */
    val mayRead: Boolean get() = app.checkSelfPermission(Manifest.permission.READ_CONTACTS) == PackageManager.PERMISSION_GRANTED

    /** The status now (without importing). */
    fun status(): ContactsStatus =
        when {
            !isOn -> ContactsStatus.Off
            !mayRead -> ContactsStatus.Refused
            else -> ContactsStatus.On(ContactsSnapshot.decode(prefs.getString(SNAPSHOT, null)).versions.size)
        }

    /** Turns the feature on or off (the permission is the screen's to ask, with `withPermission`). */
    fun setOn(on: Boolean) {
        prefs.edit().putBoolean(ON, on).apply()
        if (on) watchIfOn() else unwatch()
    }

    /** Imports what changed since the last import; the status after it. */
    fun importNow(): ContactsStatus {
        if (!isOn) return ContactsStatus.Off
        if (!mayRead) return ContactsStatus.Refused
        val account = app.account ?: return ContactsStatus.Failed("no account is set up yet.")
        return try {
            val before = ContactsSnapshot.decode(prefs.getString(SNAPSHOT, null))
            val now = readSnapshot()
            val changes = ContactsChanges.between(before, now)
            if (!changes.isEmpty) {
                val summary = AddressBookImport(account).import(entriesOf(readPhones()), homeCountry()).getOrElse {
                    return ContactsStatus.Failed("${it.message}")
                }
                log(changes, summary)
                prefs.edit().putString(SNAPSHOT, now.encode()).apply()
            }
            ContactsStatus.On(now.versions.size)
        } catch (e: SecurityException) {
            ContactsStatus.Refused
        }
    }

    /** Starts watching the contacts (once per process) if the feature is on and allowed. */
    fun watchIfOn() {
        if (!isOn || !mayRead) return
        synchronized(Watch) {
            if (Watch.observers[app] != null) return
            val observer = object : ContentObserver(Handler(Looper.getMainLooper())) {
                override fun onChange(selfChange: Boolean) {
                    app.scope.launch { importNow() }
                }
            }
            app.contentResolver.registerContentObserver(Contacts.CONTENT_URI, true, observer)
            Watch.observers[app] = observer
        }
    }

    private fun unwatch() {
        synchronized(Watch) {
            Watch.observers.remove(app)?.let(app.contentResolver::unregisterContentObserver)
        }
    }

    private fun readSnapshot(): ContactsSnapshot {
        val columns = arrayOf(Contacts._ID, Contacts.CONTACT_LAST_UPDATED_TIMESTAMP)
        val versions = mutableMapOf<Long, Long>()
        app.contentResolver.query(Contacts.CONTENT_URI, columns, "${Contacts.HAS_PHONE_NUMBER} = 1", null, null)?.use { c ->
            while (c.moveToNext()) versions[c.getLong(0)] = if (c.isNull(1)) 0L else c.getLong(1)
        }
        return ContactsSnapshot(versions)
    }

    private fun readPhones(): List<PhoneRow> {
        val columns = arrayOf(Phone.CONTACT_ID, Phone.DISPLAY_NAME, Phone.TYPE, Phone.LABEL, Phone.NUMBER)
        val rows = mutableListOf<PhoneRow>()
        app.contentResolver.query(Phone.CONTENT_URI, columns, null, null, null)?.use { c ->
            while (c.moveToNext()) {
                val number = c.getString(4) ?: continue
                val type = if (c.isNull(2)) Phone.TYPE_OTHER else c.getInt(2)
                val label = Phone.getTypeLabel(app.resources, type, c.getString(3)).toString()
                rows += PhoneRow(c.getLong(0), c.getString(1), label, number)
            }
        }
        return rows
    }

    private fun homeCountry(): String {
        val telephony = app.getSystemService(TelephonyManager::class.java)
        val sim = telephony?.simCountryIso.orEmpty().ifEmpty { telephony?.networkCountryIso.orEmpty() }
        return sim.ifEmpty { Locale.getDefault().country }.uppercase(Locale.ROOT)
    }

    private fun log(changes: ContactsChanges, summary: ImportSummary) {
        Log.i(
            TAG,
            "contacts: ${changes.added.size} new, ${changes.changed.size} changed, ${changes.removed.size} gone; " +
                "core: $summary",
        )
    }

    /** The observer of each Application (one process has one; a Robolectric run has one per test). */
    private object Watch {
        val observers = WeakHashMap<Context, ContentObserver>()
    }

    private companion object {
        const val TAG = "SplitlineContacts"
        const val PREFS = "contacts_import"
        const val ON = "on"
        const val SNAPSHOT = "snapshot"
    }
}
