package app.splitline.android.device

import android.Manifest
import android.os.Bundle
import android.widget.Switch
import android.widget.TextView
import app.splitline.android.SplitlineActivity
import app.splitline.android.label
import app.splitline.android.screen
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The address-book import's switch and what it is doing. Turning it on asks
 * for READ_CONTACTS (with the reason first) and imports; refused, the switch
 * goes off and the screen says what Splitline cannot do. Settings opens this
 * screen by its class name.
 */
class AddressBookActivity : SplitlineActivity() {
    private lateinit var importer: ContactsImporter
    private lateinit var toggle: Switch
    private lateinit var status: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        importer = ContactsImporter(this)
        val page = screen("Phone contacts")
        toggle = Switch(this).apply {
            id = AddressBookIds.SWITCH
            text = "Use the phone's contacts"
            isChecked = importer.isOn && importer.mayRead
        }
        page.addView(toggle)
        status = page.label(AddressBookIds.STATUS)
        show(importer.status())
        toggle.setOnCheckedChangeListener { _, on -> if (on) turnOn() else turnOff() }
    }

    private fun turnOn() {
        withPermission(
            Manifest.permission.READ_CONTACTS,
            "Splitline reads your phone's contacts to name the people who call you and to call them through the network. " +
                "Their numbers stay on this phone.",
        ) { granted ->
            importer.setOn(true)
            if (!granted) {
                toggle.setOnCheckedChangeListener(null)
                toggle.isChecked = false
                toggle.setOnCheckedChangeListener { _, on -> if (on) turnOn() else turnOff() }
                show(ContactsStatus.Refused)
                return@withPermission
            }
            status.text = "Importing your contacts…"
            scope.launch { show(withContext(Dispatchers.IO) { importer.importNow() }) }
        }
    }

    private fun turnOff() {
        importer.setOn(false)
        show(ContactsStatus.Off)
    }

    private fun show(state: ContactsStatus) {
        status.text = state.words
    }
}

/** The address-book screen's view ids. */
object AddressBookIds {
    const val SWITCH = 1811
    const val STATUS = 1812
}
