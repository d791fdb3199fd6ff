// Package in1 is the IN-1 form, "Informacja o nieruchomościach i obiektach
// budowlanych", which natural persons file with the wójt, burmistrz or
// prezydent miasta within 14 days of the event that makes, changes or ends
// their property-tax obligation (art. 6 ust. 6 ustawy o podatkach i
// opłatach lokalnych; form of the Minister of Finance's regulation of
// 30 May 2019, Dz.U. 2019 poz. 1104), with its annexes:
//
//   - ZIN-1, dane o przedmiotach opodatkowania podlegających opodatkowaniu
//     (Declaration.Taxed, part D of the form);
//   - ZIN-2, dane o przedmiotach opodatkowania zwolnionych z opodatkowania
//     (Declaration.Exempt, part E);
//   - ZIN-3, dane pozostałych podatników (Declaration.CoOwners).
//
// The package models the form ([Declaration]), checks it ([Validate]),
// reads and writes it as XML ([ParseXML], [MarshalXML]; schema in1.xsd,
// namespace [Namespace]) whether bare or carried inside an ePUAP document,
// shows it to officers as an HTML form and reads the posted form back
// ([RenderHTML], [ParseForm]) and prints it ([WritePDF]).
//
// Subjects are classified by stable category codes ("land-business",
// "building-residential", "structure" …) that the tax rules consume.
// Areas are fixed point: hundredths of a square metre, or ten-thousandths
// of a hectare for land under water; values are in grosze. The package
// computes no tax: the office's decision does, from these data.
//
// Problems found in the input are reported together as [Problems], each
// naming its field by a path such as "b.pesel" or "d.buildings[2].area",
// with a Polish message for the person who filled the form. Problems is an
// error of kind engine.KindInvalid.
package in1
